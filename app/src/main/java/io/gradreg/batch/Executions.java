package io.gradreg.batch;

import io.gradreg.plan.JobProperties;
import io.gradreg.plan.Sharding;
import io.gradreg.store.JobSources;
import io.gradreg.store.ResultsStore;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.JobInstance;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.jberet.repository.JobRepository;

/** What the store and JBeret's repository say of earlier executions: whether one was left unfinished. */
public final class Executions {

    private Executions() {
    }

    /**
     * The latest execution of the most recent job instance started unsharded with the same job XML
     * and the same parameters (gradreg's own {@code gradreg.*} aside) when it ended unfinished: STOPPED,
     * FAILED, or marked running by a process that is gone (killed: no claim renewed within its
     * lease). {@code gradreg restart} continues such an execution, keeping its finished runs. Only
     * job instances numbered below {@code before} count (the one just started is not earlier).
     */
    public static Optional<JobExecution> unfinished(JobRepository repository, ResultsStore store, String xml,
            Properties parameters, long before) {
        Map<String, String> own = own(parameters);
        List<Long> instances = store.jobs().instances();
        for (int i = instances.size() - 1; i >= 0; i--) {
            JobSources.JobSource source = store.jobs().get(instances.get(i)).orElse(null);
            if (source == null || source.instanceId() >= before || !xml.equals(source.xml()) || Sharding.from(source.parameters()).isPresent()
                    || !own.equals(own(source.parameters()))) {
                continue;
            }
            JobInstance instance = repository.getJobInstance(source.instanceId());
            if (instance == null) {
                continue;
            }
            // the most recent such experiment only: one run to completion since leaves nothing to say
            return repository.getJobExecutions(instance).stream()
                    .max(Comparator.comparingLong(JobExecution::getExecutionId))
                    .filter(latest -> unfinished(latest, store, source.instanceId()));
        }
        return Optional.empty();
    }

    /** STOPPED or FAILED, or marked running with no live claim (its process was killed). */
    static boolean unfinished(JobExecution execution, ResultsStore store, long instanceId) {
        BatchStatus status = execution.getBatchStatus();
        return switch (status) {
            case STOPPED, FAILED -> true;
            case STARTING, STARTED, STOPPING -> store.claims().liveOwners(store.experiments().resultsInstance(instanceId),
                    execution.getExecutionId()).stream().noneMatch(Executions::processAlive);
            default -> false;
        };
    }

    /**
     * Whether the process of a claim's owner ({@code host/pid-N/...}) may be alive: its lease says
     * so, unless it is a process of this host that is gone (killed; no need to wait for its lease).
     */
    public static boolean processAlive(String owner) {
        String[] parts = owner.split("/");
        if (parts.length < 2 || !parts[0].equals(ExecutionHeartbeat.PROCESS.split("/")[0])
                || !parts[1].startsWith("pid-")) {
            return true;
        }
        try {
            return ProcessHandle.of(Long.parseLong(parts[1].substring("pid-".length())))
                    .map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** The user's parameters of a job, without those gradreg sets itself. */
    private static Map<String, String> own(Properties parameters) {
        Map<String, String> own = new TreeMap<>();
        if (parameters != null) {
            parameters.stringPropertyNames().stream().filter(k -> !k.startsWith(JobProperties.RESERVED))
                    .forEach(k -> own.put(k, parameters.getProperty(k)));
        }
        return own;
    }
}
