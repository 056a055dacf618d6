package io.gradreg.report;

import io.gradreg.store.Cell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The paper's numbers, kept as data next to a job: a CSV file with the header
 * {@code architecture,train_size,regularizer,accuracy,sd} (accuracy in percent).
 */
public final class ExpectedResults {

    /** A published mean accuracy (percent) and its standard deviation. */
    public record Expected(double accuracy, double sd) {
    }

    private final Map<Cell, Expected> cells;

    private ExpectedResults(Map<Cell, Expected> cells) {
        this.cells = cells;
    }

    public static ExpectedResults none() {
        return new ExpectedResults(Map.of());
    }

    public static ExpectedResults read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the expected results " + file + ": " + e.getMessage());
        }
        return parse(lines, file.toString());
    }

    /** Parses the lines of such a file; {@code file} names it in messages. */
    public static ExpectedResults parse(List<String> lines, String file) {
        Map<Cell, Expected> cells = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 5) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 5 fields "
                        + "architecture,train_size,regularizer,accuracy,sd; got '" + line + "'");
            }
            try {
                cells.put(key(f[0].strip(), f[1].strip(), f[2].strip()),
                        new Expected(Double.parseDouble(f[3].strip()), Double.parseDouble(f[4].strip())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": accuracy and sd must be numbers: '" + line + "'");
            }
        }
        return new ExpectedResults(cells);
    }

    public Optional<Expected> get(String architecture, String trainSize, String regularizer) {
        return Optional.ofNullable(cells.get(key(architecture, trainSize, regularizer)));
    }

    private static Cell key(String architecture, String trainSize, String regularizer) {
        return new Cell(architecture, regularizer, trainSize);
    }
}
