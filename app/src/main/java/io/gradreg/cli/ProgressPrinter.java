package io.gradreg.cli;

import io.gradreg.training.TrainingListener;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Progress of one run on stderr: a bar redrawn in place on a terminal, a plain line every 10%
 * in a log or a pipe.
 */
final class ProgressPrinter implements TrainingListener {

    private final PrintWriter out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private int lastPercent = -1;

    ProgressPrinter(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    static ProgressPrinter forConsole(PrintWriter err) {
        return new ProgressPrinter(err, System.console() != null);
    }

    @Override
    public void onMinibatch(Progress p) {
        int percent = (int) (100L * p.minibatch() / p.planned());
        double elapsed = (System.nanoTime() - start) / 1e9;
        long eta = Math.round(elapsed / p.minibatch() * (p.planned() - p.minibatch()));
        if (terminal) {
            if (p.minibatch() % 10 != 0 && p.minibatch() != p.planned()) {
                return;
            }
            int filled = percent * 30 / 100;
            out.printf("\r[%s%s] %3d%% %d/%d minibatches  loss %.4f  penalty %.4g  ETA %s ",
                    "#".repeat(filled), " ".repeat(30 - filled), percent, p.minibatch(), p.planned(), p.loss(),
                    p.penalty(), format(eta));
            if (p.minibatch() == p.planned()) {
                out.println();
            }
            out.flush();
        } else if (percent / 10 != lastPercent / 10 || p.minibatch() == p.planned()) {
            lastPercent = percent;
            out.printf("minibatch %d/%d (%d%%) loss %.4f penalty %.4g lr %.2g ETA %s%n", p.minibatch(), p.planned(),
                    percent, p.loss(), p.penalty(), p.learningRate(), format(eta));
            out.flush();
        }
    }

    static String format(long seconds) {
        return Duration.ofSeconds(seconds).toString().substring(2).toLowerCase();
    }
}
