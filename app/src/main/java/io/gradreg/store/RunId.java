package io.gradreg.store;

import java.util.Objects;

/**
 * One run of an experiment: its table cell and its index within the cell (run i of every cell
 * uses seed + i, so the cells are compared pairwise). Printed, and stored as the run key, as
 * {@code cell#index}, e.g. {@code dropout/spectreg/200/class#3}.
 */
public record RunId(Cell cell, int index) {

    public RunId {
        Objects.requireNonNull(cell, "cell");
        if (index < 0) {
            throw new IllegalArgumentException("run index must be zero or positive, was " + index);
        }
    }

    public static RunId parse(String text) {
        int hash = text.lastIndexOf('#');
        if (hash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a run id (architecture/regularizer/size#index)");
        }
        int index;
        try {
            index = Integer.parseInt(text.substring(hash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a run id: '" + text.substring(hash + 1)
                    + "' is not a run index");
        }
        return new RunId(Cell.parse(text.substring(0, hash)), index);
    }

    @Override
    public String toString() {
        return cell + "#" + index;
    }
}
