package io.gradreg.cli;

import io.gradreg.batch.JobLauncher;
import io.gradreg.plan.RunSpec;
import io.gradreg.training.TrainingConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What 'gradreg run --dry-run' prints: the checked plan, cell by cell, and what this process would train. */
final class DryRun {

    private DryRun() {
    }

    static String describe(JobLauncher.Prepared p) {
        StringBuilder out = new StringBuilder();
        out.append("job ").append(p.job().name()).append(" (").append(p.job().source()).append("): experiment '")
                .append(p.spec().experiment()).append("', weights in ").append(p.spec().weightConvention().id())
                .append(" convention\n");
        Map<String, List<RunSpec>> cells = new LinkedHashMap<>();
        for (RunSpec run : p.spec().runs()) {
            TrainingConfig c = run.config();
            cells.computeIfAbsent(c.architecture().id() + "/" + c.regularizer() + "/" + c.subset(), k -> new java.util.ArrayList<>())
                    .add(run);
        }
        out.append(String.format(Locale.ROOT, "%-36s %12s %14s %5s %s%n", "cell", "job weight", "mean units", "runs",
                "seeds"));
        for (Map.Entry<String, List<RunSpec>> cell : cells.entrySet()) {
            RunSpec first = cell.getValue().get(0);
            out.append(String.format(Locale.ROOT, "%-36s %12s %14s %5d %d-%d%n", cell.getKey(), plain(first.jobWeight()),
                    plain(first.config().weight()), cell.getValue().size(), first.config().seed(),
                    cell.getValue().get(cell.getValue().size() - 1).config().seed()));
        }
        TrainingConfig d = p.spec().runs().get(0).config();
        long minibatches = p.share().stream().mapToLong(r -> r.config().minibatches()).sum();
        out.append(p.spec().runs().size()).append(" runs planned, ").append(d.minibatches())
                .append(" minibatches of ").append(d.batchSize()).append(" each");
        if (p.sharding() != null) {
            out.append("; shard ").append(p.sharding().shard()).append(" of experiment '")
                    .append(p.sharding().experimentId()).append("' trains ").append(p.share().size()).append(" of them");
        }
        out.append(" (").append(minibatches).append(" minibatches in all, ").append(p.spec().partitions())
                .append(" at a time).\nChecked: job file, parameters, reference files, data, database. Nothing was started.\n");
        return out.toString();
    }

    private static String plain(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
