package io.gradreg.data;

/**
 * How a run's training subset is drawn: {@code perClass} images of each class, or {@code total}
 * images in all. Parsed from {@code "200/class"} or {@code "5000"}.
 */
public record SubsetSpec(int count, boolean perClass) {

    public SubsetSpec {
        if (count <= 0) {
            throw new IllegalArgumentException("training-set size must be positive, was " + count);
        }
    }

    public static SubsetSpec perClass(int count) {
        return new SubsetSpec(count, true);
    }

    public static SubsetSpec total(int count) {
        return new SubsetSpec(count, false);
    }

    /** Parses {@code "200/class"} (per class) or {@code "5000"} (in total). */
    public static SubsetSpec parse(String text) {
        String t = text.trim();
        try {
            if (t.endsWith("/class")) {
                return perClass(Integer.parseInt(t.substring(0, t.length() - "/class".length()).trim()));
            }
            return total(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("training-set size '" + text
                    + "' is not a number of images ('5000') or a number per class ('200/class')");
        }
    }

    /** Number of training images the subset holds. */
    public int size() {
        return perClass ? count * Mnist.CLASSES : count;
    }

    public int[] draw(Mnist.Split split, long seed) {
        return perClass ? SubsetSampler.perClass(split, count, seed) : SubsetSampler.total(split, count, seed);
    }

    @Override
    public String toString() {
        return perClass ? count + "/class" : Integer.toString(count);
    }
}
