package io.gradreg.batch;

import io.gradreg.plan.ExperimentSpec;
import io.gradreg.plan.Plan;
import io.gradreg.plan.PlanCodec;
import io.gradreg.plan.PlanSettings;
import io.gradreg.plan.RunSpec;
import io.gradreg.store.JobSources;
import io.gradreg.store.Plans;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where plans are made and found. {@link #parse} is the one place job properties are parsed: at
 * launch ({@code run}, {@code import}). The plan is then stored ({@link #save}) and every step,
 * partition and report loads it by id; a plan is immutable, so each process keeps the plans it has
 * read.
 */
@ApplicationScoped
public class PlanStore {

    @Inject
    Workspace workspace;

    private final Map<String, Plan> loaded = new ConcurrentHashMap<>();

    /** Parses and validates a job's properties overridden by its parameters (messages name the property). */
    public ExperimentSpec parse(Properties jobProperties, Properties parameters) {
        return ExperimentSpec.parse(jobProperties, parameters, workspace.regularizers());
    }

    /** Stores a parsed experiment's plan (unless stored already) and returns it. */
    public Plan save(ExperimentSpec spec) {
        PlanCodec.Encoded plan = PlanCodec.encode(spec);
        workspace.store().plans().save(plan.id(), spec.experiment(), plan.settings(), plan.runs());
        return loaded.computeIfAbsent(plan.id(), id -> new Plan(id, spec.settings(), spec.runs()));
    }

    /** A stored plan. */
    public Plan load(String planId) {
        return loaded.computeIfAbsent(planId, id -> {
            Plans table = workspace.store().plans();
            String settings = table.settings(id).orElseThrow(() -> new IllegalStateException("plan " + id
                    + " is not in " + workspace.database().describe() + "; was the database replaced while the job ran?"));
            List<RunSpec> runs = table.runs(id).stream().map(r -> PlanCodec.readRun(id, r.config())).toList();
            return new Plan(id, PlanCodec.readSettings(id, settings), runs);
        });
    }

    /** One run of a stored plan: read alone unless its plan is loaded already. */
    public RunSpec run(String planId, String runKey) {
        Plan plan = loaded.get(planId);
        if (plan != null) {
            for (RunSpec run : plan.runs()) {
                if (run.key().equals(runKey)) {
                    return run;
                }
            }
        }
        return workspace.store().plans().run(planId, runKey).map(r -> PlanCodec.readRun(planId, r.config()))
                .orElseThrow(() -> new IllegalStateException("plan " + planId + " has no run '" + runKey + "'"));
    }

    /** The keys of a stored plan's runs, in plan order. */
    public List<String> runKeys(String planId) {
        Plan plan = loaded.get(planId);
        return plan != null ? plan.runs().stream().map(RunSpec::key).toList() : workspace.store().plans().runKeys(planId);
    }

    /** The settings of a stored plan. */
    public PlanSettings settings(String planId) {
        Plan plan = loaded.get(planId);
        if (plan != null) {
            return plan.settings();
        }
        return workspace.store().plans().settings(planId).map(s -> PlanCodec.readSettings(planId, s))
                .orElseThrow(() -> new IllegalStateException("plan " + planId + " is not in "
                        + workspace.database().describe()));
    }

    /**
     * The plan of a recorded job. A job started by a build older than stored plans has none: its
     * stored XML and parameters are planned now, once, and the plan recorded with the job.
     */
    public Plan ofJob(JobSources.JobSource job) {
        if (job.planId() != null) {
            return load(job.planId());
        }
        JobFiles.LoadedJob loadedJob = JobFiles.parse(job.xml(), job.source());
        Plan plan = save(parse(loadedJob.properties(), job.parameters()));
        workspace.store().jobs().setPlan(job.instanceId(), plan.id());
        return plan;
    }
}
