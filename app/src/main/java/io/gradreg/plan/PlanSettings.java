package io.gradreg.plan;

import io.gradreg.regularizer.WeightConvention;
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
 */
public record PlanSettings(String experiment, String description, int partitions, int checkpointEvery,
        String weightConvention, String expected, String observed, String claims,
        Map<String, Map<String, String>> regularizerParameters, Integer curveEvery) {

    public PlanSettings {
        regularizerParameters = Map.copyOf(regularizerParameters);
        curveEvery = curveEvery == null ? CurveRecorder.DEFAULT_EVERY : curveEvery;
    }

    public WeightConvention convention() {
        return WeightConvention.parse(weightConvention);
    }
}
