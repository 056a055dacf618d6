package io.gradreg.transfer;

import io.gradreg.plan.ExperimentSpec;
import io.gradreg.plan.RunSpec;
import io.gradreg.results.RunsFile;
import io.gradreg.store.Cell;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A runs file's sweep numbers against the plan its job gives: a forged selection would otherwise
 * become a sweep's "selected" result. Each selection names a group of the plan's grid runs, with
 * the plan's rule and one of that grid's weights; a file of a job that is no sweep holds none.
 */
final class SweepChecks {

    private SweepChecks() {
    }

    static void check(RunsFile file, String fileName, ExperimentSpec spec) {
        if (file.selections().isEmpty()) {
            return;
        }
        if (spec.settings().sweep() == null) {
            throw new IllegalArgumentException(fileName + ": it holds selected weights, but its job is no weight sweep; "
                    + "the file is inconsistent");
        }
        Map<String, Set<Double>> grids = new HashMap<>();
        for (RunSpec run : spec.runs()) {
            Cell cell = run.id().cell();
            cell.gridWeight().ifPresent(w -> grids.computeIfAbsent(cell.group().toString(), k -> new HashSet<>()).add(w));
        }
        for (RunsFile.Selection x : file.selections()) {
            Set<Double> grid = grids.get(x.group());
            if (grid == null) {
                throw new IllegalArgumentException(fileName + ": a selection names '" + x.group() + "', which is no "
                        + "group of its job's grid (" + String.join(", ", new TreeSet<>(grids.keySet()))
                        + "); the file is inconsistent");
            }
            if (!grid.contains(x.weight())) {
                throw new IllegalArgumentException(fileName + ": the selection of '" + x.group() + "' is weight "
                        + x.weight() + ", not one of its grid's " + new TreeSet<>(grid) + "; the file is inconsistent");
            }
            if (!x.rule().equals(spec.settings().sweep().rule())) {
                throw new IllegalArgumentException(fileName + ": the selection of '" + x.group() + "' used rule '"
                        + x.rule() + "', but its job declares '" + spec.settings().sweep().rule()
                        + "'; the file is inconsistent");
            }
        }
    }
}
