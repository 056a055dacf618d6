package io.gradreg.batch;

import java.util.List;
import java.util.Objects;
import org.jberet.job.model.Job;
import org.jberet.job.model.JobElement;
import org.jberet.job.model.Listeners;
import org.jberet.job.model.Partition;
import org.jberet.job.model.RefArtifact;
import org.jberet.job.model.Step;

/**
 * The shape every gradreg job has, checked before a job starts: a job file may come from anyone,
 * and JBeret would otherwise instantiate any class or bean a step names, fetch a script
 * batchlet's {@code src}, or run a job that can never finish. A gradreg job is four steps, each
 * one of gradreg's batch artifacts, in this order, each naming the next:
 *
 * <pre>
 *   sampleBatchlet → trainBatchlet (partitioned by runPartitionMapper) → evaluateBatchlet → reportBatchlet
 * </pre>
 *
 * and a weight sweep ({@code sweep.weight.NAME}) six, validating and selecting before any test
 * image is read:
 *
 * <pre>
 *   sampleBatchlet → trainBatchlet → validateBatchlet → selectBatchlet → evaluateBatchlet → reportBatchlet
 * </pre>
 *
 * with no listeners, transitions, chunks, splits, flows, decisions, scripts or inherited
 * elements. Step ids and batchlet properties are the job's own.
 */
final class JobShape {

    /** The largest job file: the ones in jobs/ are a few kilobytes. */
    static final int MAX_BYTES = 1 << 20;

    /** The most steps counted while the XML is first read, before JBeret builds anything from it. */
    static final int MAX_STEPS = 16;

    private static final List<String> STEPS = List.of("sampleBatchlet", "trainBatchlet", "evaluateBatchlet",
            "reportBatchlet");

    private static final List<String> SWEEP_STEPS = List.of("sampleBatchlet", "trainBatchlet", "validateBatchlet",
            "selectBatchlet", "evaluateBatchlet", "reportBatchlet");

    private static final String MAPPER = "runPartitionMapper";

    private static final String SHAPE = "a gradreg job is the steps sampleBatchlet, trainBatchlet (partitioned by "
            + MAPPER + "), evaluateBatchlet and reportBatchlet, in this order, each naming the next (see jobs/quickstart.xml); "
            + "a weight sweep has validateBatchlet and selectBatchlet between trainBatchlet and evaluateBatchlet "
            + "(see jobs/sweep-quickstart.xml)";

    private JobShape() {
    }

    /** Refuses a job that is not of gradreg's shape, naming what is wrong and the shape. */
    static void check(Job job, String source) {
        if (job.getParent() != null || !empty(job.getListeners()) || !none(job.getTransitionElements())) {
            throw refused(source, "the job has listeners, transitions or a parent job");
        }
        List<JobElement> elements = job.getJobElements();
        for (JobElement element : elements) {
            if (!(element instanceof Step)) {
                throw refused(source, "element '" + element.getId() + "' is a " + element.getClass().getSimpleName()
                        .toLowerCase(java.util.Locale.ROOT) + ", not a step");
            }
        }
        if (elements.size() != STEPS.size() && elements.size() != SWEEP_STEPS.size()) {
            throw refused(source, "the job has " + elements.size() + " steps, not " + STEPS.size() + " (or "
                    + SWEEP_STEPS.size() + " for a weight sweep)");
        }
        List<String> steps = elements.size() == STEPS.size() ? STEPS : SWEEP_STEPS;
        for (int i = 0; i < steps.size(); i++) {
            Step step = (Step) elements.get(i);
            String at = "step '" + step.getId() + "'";
            RefArtifact batchlet = step.getBatchlet();
            if (batchlet == null || step.getChunk() != null) {
                throw refused(source, at + " is not a batchlet step");
            }
            if (batchlet.getScript() != null || !steps.get(i).equals(batchlet.getRef())) {
                throw refused(source, at + " runs " + (batchlet.getScript() != null ? "a script"
                        : "'" + batchlet.getRef() + "'") + " where step " + (i + 1) + " is " + steps.get(i));
            }
            if (step.getParent() != null || !empty(step.getListeners()) || !none(step.getTransitionElements())) {
                throw refused(source, at + " has listeners, transitions or a parent step");
            }
            String next = i + 1 < steps.size() ? elements.get(i + 1).getId() : null;
            if (!Objects.equals(next, step.getAttributeNext())) {
                throw refused(source, at + " names next '" + step.getAttributeNext() + "' where "
                        + (next == null ? "none" : "'" + next + "'") + " is needed");
            }
            Partition partition = step.getPartition();
            boolean train = steps.get(i).equals("trainBatchlet");
            if (train != (partition != null)) {
                throw refused(source, at + (train ? " is not partitioned" : " is partitioned"));
            }
            if (partition != null && (partition.getMapper() == null || partition.getMapper().getScript() != null
                    || !MAPPER.equals(partition.getMapper().getRef()) || partition.getPlan() != null
                    || partition.getCollector() != null || partition.getAnalyzer() != null
                    || partition.getReducer() != null)) {
                throw refused(source, at + " is partitioned otherwise than by " + MAPPER + " alone");
            }
        }
    }

    /** Whether a job of gradreg's shape ({@link #check}) is a weight sweep's: it validates and selects. */
    static boolean sweep(Job job) {
        return job.getJobElements().size() == SWEEP_STEPS.size();
    }

    /**
     * Refuses a plan whose kind the steps do not fit: a sweep's grid without the validate and
     * select steps would read test images before any selection, and those steps would select
     * nothing in a job without a grid.
     */
    static void checkPlan(Job job, boolean sweepPlan, String source) {
        if (sweep(job) != sweepPlan) {
            throw refused(source, sweepPlan ? "the job declares a weight sweep (sweep.weight.*) but has no "
                    + "validateBatchlet and selectBatchlet steps" : "the job has the steps of a weight sweep but declares "
                    + "no grid (sweep.weight.NAME)");
        }
    }

    private static boolean none(List<?> elements) {
        return elements == null || elements.isEmpty();
    }

    private static boolean empty(Listeners listeners) {
        return listeners == null || listeners.getListeners().isEmpty();
    }

    private static IllegalArgumentException refused(String source, String what) {
        return new IllegalArgumentException(source + ": not a gradreg job: " + what + "; " + SHAPE);
    }
}
