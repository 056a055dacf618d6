package io.gradreg.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gradreg.regularizer.WeightConvention;
import io.gradreg.robustness.RobustnessSpec;
import io.gradreg.training.CurveRecorder;
import java.util.Map;

/**
 * The job-level settings of a plan, as parsed at launch and stored with it: everything the steps
 * and the report need besides the runs' own configurations.
 *
 * @param weightConvention the units the job's weights are written in ({@link WeightConvention#id()})
 * @param expected the paper's numbers: a file relative to the job file, or null
 * @param observed the replication report's own numbers, likewise
 * @param claims the claims file, likewise (null: {@code <job file>.claims} if it exists)
 * @param regularizerParameters {@code param.NAME.KEY} properties, by regularizer name and key
 * @param curveEvery minibatches between the points of each run's training curve (null in plans
 *     stored before curves were recorded: the default)
 * @param robustness what the evaluation measures besides test accuracy, as {@link RobustnessSpec#text()};
 *     null (absent from the stored JSON, so older plans keep their text and id) for nothing
 * @param sweep the weight sweep, or null for any other job (absent from the stored text, so plans
 *     stored before sweeps keep their text and id)
 */
public record PlanSettings(String experiment, String description, int partitions, int checkpointEvery,
        String weightConvention, String expected, String observed, String claims,
        Map<String, Map<String, String>> regularizerParameters, Integer curveEvery,
        @JsonInclude(JsonInclude.Include.NON_NULL) String robustness,
        @JsonInclude(JsonInclude.Include.NON_NULL) SweepSettings sweep) {

    public PlanSettings {
        regularizerParameters = Map.copyOf(regularizerParameters);
        curveEvery = curveEvery == null ? CurveRecorder.DEFAULT_EVERY : curveEvery;
        robustness = robustness == null || RobustnessSpec.parse(robustness).isEmpty() ? null
                : RobustnessSpec.parse(robustness).text();
    }

    /** Settings of a job that measures nothing besides test accuracy and is not a sweep. */
    public PlanSettings(String experiment, String description, int partitions, int checkpointEvery,
            String weightConvention, String expected, String observed, String claims,
            Map<String, Map<String, String>> regularizerParameters, Integer curveEvery) {
        this(experiment, description, partitions, checkpointEvery, weightConvention, expected, observed, claims,
                regularizerParameters, curveEvery, null, null);
    }

    /** What the evaluation measures besides test accuracy. */
    public RobustnessSpec robustnessSpec() {
        return robustness == null ? RobustnessSpec.NONE : RobustnessSpec.parse(robustness);
    }

    public WeightConvention convention() {
        return WeightConvention.parse(weightConvention);
    }
}
