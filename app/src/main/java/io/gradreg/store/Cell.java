package io.gradreg.store;

import java.util.Objects;

/**
 * One cell of an experiment's table: an architecture, a regularizer and a training-set size.
 * Printed (and stored, and used as a metric label) as {@code architecture/regularizer/size}, e.g.
 * {@code dropout/spectreg/200/class}; architecture and regularizer names contain no slash, so the
 * size, which may, is the rest.
 */
public record Cell(String architecture, String regularizer, String trainSize) implements Comparable<Cell> {

    public Cell {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(regularizer, "regularizer");
        Objects.requireNonNull(trainSize, "trainSize");
        if (architecture.contains("/") || regularizer.contains("/")) {
            throw new IllegalArgumentException("architecture and regularizer names contain no '/': " + architecture
                    + ", " + regularizer);
        }
    }

    public static Cell parse(String text) {
        int first = text.indexOf('/');
        int second = first < 0 ? -1 : text.indexOf('/', first + 1);
        if (first <= 0 || second <= first + 1 || second == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not a table cell (architecture/regularizer/size)");
        }
        return new Cell(text.substring(0, first), text.substring(first + 1, second), text.substring(second + 1));
    }

    /**
     * Separates a regularizer's name from a weight in a sweep's grid cells: the cell of SpectReg at
     * grid weight 0.003 is {@code dropout/spectreg=0.003/200/class}, and its group (the grid of
     * SpectReg at that architecture and size) is {@code dropout/spectreg/200/class}.
     */
    public static final char GRID = '=';

    /** A grid point's regularizer label, e.g. {@code spectreg=0.003}; {@code weight} as the job wrote it. */
    public static String gridLabel(String regularizer, double weight) {
        return regularizer + GRID + new java.math.BigDecimal(Double.toString(weight)).stripTrailingZeros()
                .toPlainString();
    }

    /** The regularizer's name, without a grid weight. */
    public String regularizerName() {
        int at = regularizer.indexOf(GRID);
        return at < 0 ? regularizer : regularizer.substring(0, at);
    }

    /** The grid weight of a sweep's grid cell (the job's convention); empty for any other cell. */
    public java.util.Optional<Double> gridWeight() {
        int at = regularizer.indexOf(GRID);
        return at < 0 ? java.util.Optional.empty() : java.util.Optional.of(Double.parseDouble(regularizer.substring(at + 1)));
    }

    /** The cell without its grid weight: a sweep's group (the cell itself for any other cell). */
    public Cell group() {
        return new Cell(architecture, regularizerName(), trainSize);
    }

    @Override
    public String toString() {
        return architecture + "/" + regularizer + "/" + trainSize;
    }

    @Override
    public int compareTo(Cell o) {
        return toString().compareTo(o.toString());
    }
}
