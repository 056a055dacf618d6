package io.gradreg.results;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a runs file must be besides well-formed JSON of the right shape: every field present,
 * text without control characters, numbers finite and possible (an accuracy is a fraction, a
 * loss is not negative, a run trains at least one minibatch and no more than planned), a run once,
 * sizes bounded. A file is read from outside (another machine, a colleague): nothing in it is
 * trusted. Linear in the file's size. Each problem is an {@link IllegalArgumentException} naming
 * the file and the field.
 */
final class RunsFileChecks {

    /** The longest text field, the job XML included (a job file is a few kilobytes). */
    static final int MAX_TEXT = 1 << 20;

    /** At most this many job parameters (a job has a few dozen properties). */
    static final int MAX_PARAMETERS = 1_000;

    /** At most this many points in a run's curve (what {@code curve-every} allows). */
    static final int MAX_CURVE_POINTS = 10_000;

    private final String file;

    RunsFileChecks(String file) {
        this.file = file;
    }

    void check(RunsFile f) {
        text("experimentId", f.experimentId());
        text("experiment", f.experiment());
        text("exportedBy", f.exportedBy());
        RunsFile.Job job = present("job", f.job());
        text("job.name", job.name());
        text("job.file", job.file());
        text("job.sha256", job.sha256());
        text("job.fingerprint", job.fingerprint());
        present("job.xml", job.xml());
        Map<String, String> parameters = present("job.parameters", job.parameters());
        if (parameters.size() > MAX_PARAMETERS) {
            throw problem("\"job.parameters\" has " + parameters.size() + " entries, more than a job has (" + MAX_PARAMETERS
                    + ")");
        }
        parameters.forEach((key, value) -> {
            text("job.parameters key " + key, key);
            if (value == null || hasControl(value, false)) {
                throw problem("job parameter '" + key + "' is missing or holds a control character");
            }
        });
        List<RunsFile.Run> runs = present("runs", f.runs());
        if (runs.size() > RunsFile.MAX_RUNS) {
            throw problem("it holds " + runs.size() + " runs; an experiment plans at most " + RunsFile.MAX_RUNS);
        }
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < runs.size(); i++) {
            String at = "runs[" + i + "]";
            RunsFile.Run r = present(at, runs.get(i));
            run(at, r);
            if (!keys.add(r.key())) {
                throw problem("run " + r.key() + " appears twice");
            }
        }
        selections(f);
    }

    /**
     * A sweep's selections, as text: each group once, with a time (the import checks each against
     * the plan: a group of grid runs, one of its grid's weights).
     */
    private void selections(RunsFile f) {
        Set<String> seen = new HashSet<>();
        List<RunsFile.Selection> selections = f.selections();
        for (int i = 0; i < selections.size(); i++) {
            String at = "selections[" + i + "]";
            RunsFile.Selection x = present(at, selections.get(i));
            text(at + ".group", x.group());
            text(at + ".rule", x.rule());
            text(at + ".selectedAt", x.selectedAt());
            finite(at, "weight", x.weight());
            if (x.summary() != null && hasControl(x.summary(), false)) {
                throw problem(at + ": \"summary\" holds a control character");
            }
            try {
                java.time.Instant.parse(x.selectedAt());
            } catch (java.time.format.DateTimeParseException e) {
                throw problem(at + ": \"selectedAt\" is '" + x.selectedAt() + "', not an ISO-8601 instant");
            }
            if (!seen.add(x.group())) {
                throw problem(at + ": '" + x.group() + "' is selected twice");
            }
        }
    }

    private void run(String at, RunsFile.Run r) {
        text(at + ".key", r.key());
        text(at + ".architecture", r.architecture());
        text(at + ".regularizer", r.regularizer());
        text(at + ".trainSize", r.trainSize());
        text(at + ".status", r.status());
        if (!present(at + ".subsetSha256", r.subsetSha256()).matches("[0-9a-f]{64}")) {
            throw problem(at + " (" + r.key() + "): \"subsetSha256\" is not a SHA-256 (64 hexadecimal digits)");
        }
        if (r.message() != null && hasControl(r.message(), true)) {
            throw problem(at + " (" + r.key() + "): \"message\" holds a control character");
        }
        if (r.trainedBy() != null) {
            text(at + ".trainedBy", r.trainedBy());
        }
        String of = at + " (" + r.key() + ")";
        if (!r.status().equals("EVALUATED") && !r.status().equals("FAILED")) {
            throw problem(of + " has status \"" + r.status() + "\"; a runs file holds finished runs only (EVALUATED "
                    + "or FAILED)");
        }
        atLeast(of, "weight", present(at + ".weight", r.weight()), 0);
        atLeast(of, "runIndex", present(at + ".runIndex", r.runIndex()), 0);
        present(at + ".seed", r.seed());
        int minibatches = present(at + ".minibatches", r.minibatches());
        atLeast(of, "minibatches", minibatches, 1);
        int done = present(at + ".minibatchesDone", r.minibatchesDone());
        if (done < 0 || done > minibatches) {
            throw problem(of + ": \"minibatchesDone\" is " + done + "; it counts from 0 to the run's minibatches ("
                    + minibatches + ")");
        }
        if (r.status().equals("EVALUATED") && (r.testAccuracy() == null || !(r.testAccuracy() >= 0)
                || r.testAccuracy() > 1)) {
            throw problem(of + " is EVALUATED but its \"testAccuracy\" is " + r.testAccuracy() + " (a fraction in [0, 1])");
        }
        if (r.testAccuracy() != null && !(r.testAccuracy() >= 0 && r.testAccuracy() <= 1)) {
            throw problem(of + ": \"testAccuracy\" is " + r.testAccuracy() + " (a fraction in [0, 1])");
        }
        if (r.testLoss() != null) {
            atLeast(of, "testLoss", r.testLoss(), 0);
        }
        if (r.finalLoss() != null) {
            atLeast(of, "finalLoss", r.finalLoss(), 0);
        }
        if (r.finalPenalty() != null) {
            finite(of, "finalPenalty", r.finalPenalty());
        }
        if (r.trainSeconds() != null) {
            atLeast(of, "trainSeconds", r.trainSeconds(), 0);
        }
        curve(at, r);
        if (r.measures() != null) {
            for (Map.Entry<String, Double> m : r.measures().entrySet()) {
                if (m.getKey() == null || m.getKey().isBlank() || m.getKey().length() > MAX_MEASURE_NAME) {
                    throw problem(of + ": a measure's name must be 1 to " + MAX_MEASURE_NAME + " characters");
                }
                if (m.getValue() == null) {
                    throw problem(of + ": measure \"" + m.getKey() + "\" has no value");
                }
                finite(of, "measures." + m.getKey(), m.getValue());
            }
        }
        if (r.validation() != null) {
            RunsFile.Validation v = r.validation();
            if (!(v.accuracy() >= 0 && v.accuracy() <= 1)) {
                throw problem(of + ": \"validation.accuracy\" is " + v.accuracy() + " (a fraction in [0, 1])");
            }
            atLeast(of, "validation.loss", v.loss(), 0);
            atLeast(of, "validation.images", v.images(), 1);
        }
    }

    /** The longest measure name the store keeps (gradreg_run_measure.measure). */
    static final int MAX_MEASURE_NAME = 100;

    private void curve(String at, RunsFile.Run r) {
        RunsFile.Curve c = r.curve();
        if (c == null) {
            return;
        }
        String where = at + ".curve (" + r.key() + ")";
        if (c.minibatch() == null || c.loss() == null || c.penalty() == null || c.learningRate() == null) {
            throw problem(where + " needs the columns minibatch, loss, penalty and learningRate");
        }
        int n = c.minibatch().size();
        if (c.loss().size() != n || c.penalty().size() != n || c.learningRate().size() != n) {
            throw problem(where + ": its columns differ in length (minibatch " + n + ", loss " + c.loss().size()
                    + ", penalty " + c.penalty().size() + ", learningRate " + c.learningRate().size() + ")");
        }
        if (n > MAX_CURVE_POINTS) {
            throw problem(where + " has " + n + " points; a run records at most " + MAX_CURVE_POINTS);
        }
        int previous = 0;
        for (int i = 0; i < n; i++) {
            Integer m = c.minibatch().get(i);
            if (m == null || m <= previous || m > r.minibatchesDone()) {
                throw problem(where + ": minibatch[" + i + "] is " + m + "; minibatches must increase from 1 to the "
                        + "run's minibatchesDone (" + r.minibatchesDone() + ")");
            }
            previous = m;
            String point = where + ": point " + i + " (minibatch " + m + ")";
            Double loss = c.loss().get(i);
            Double penalty = c.penalty().get(i);
            Double rate = c.learningRate().get(i);
            if (loss == null || penalty == null || rate == null) {
                throw problem(point + " has a null value");
            }
            if (!(loss >= 0) || !Double.isFinite(loss) || !Double.isFinite(penalty) || !(rate >= 0)
                    || !Double.isFinite(rate)) {
                throw problem(point + " has loss " + loss + ", penalty " + penalty + ", learning rate " + rate
                        + "; they must be finite, loss and learning rate not negative");
            }
        }
    }

    private void atLeast(String of, String field, double value, double least) {
        if (!(value >= least) || !Double.isFinite(value)) {
            throw problem(of + ": \"" + field + "\" is " + value + "; it must be a finite number of at least "
                    + (least == (long) least ? Long.toString((long) least) : Double.toString(least)));
        }
    }

    private void finite(String of, String field, double value) {
        if (!Double.isFinite(value)) {
            throw problem(of + ": \"" + field + "\" is " + value + "; it must be finite");
        }
    }

    private void text(String field, String value) {
        if (present(field, value).isBlank()) {
            throw problem("field \"" + field + "\" is missing or empty");
        }
        if (hasControl(value, false)) {
            throw problem("field \"" + field + "\" holds a control character");
        }
    }

    private <T> T present(String field, T value) {
        if (value == null) {
            throw problem("field \"" + field + "\" is missing");
        }
        return value;
    }

    /** Whether {@code s} holds a control character (in free text, tabs and line breaks are allowed). */
    static boolean hasControl(String s, boolean freeText) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (Character.isISOControl(ch) && !(freeText && (ch == '\n' || ch == '\t'))) {
                return true;
            }
        }
        return false;
    }

    private IllegalArgumentException problem(String what) {
        return new IllegalArgumentException(file + ": " + what);
    }
}
