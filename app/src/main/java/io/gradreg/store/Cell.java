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

    @Override
    public String toString() {
        return architecture + "/" + regularizer + "/" + trainSize;
    }

    @Override
    public int compareTo(Cell o) {
        return toString().compareTo(o.toString());
    }
}
