package io.gradreg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gradreg.batch.ExperimentSpec;
import io.gradreg.batch.JobFiles;
import io.gradreg.batch.Shard;
import io.gradreg.cli.GradregCommand;
import io.gradreg.regularizer.Regularizers;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Every manifest in deploy/k8s parsed into fabric8's typed Kubernetes model with unknown fields
 * rejected (fabric8's classes keep unknown fields in an "additional properties" map; that hook is
 * switched off here, so a misspelt or misplaced field fails with its path), and what the
 * manifests say checked against the application: the container arguments against gradreg's real
 * picocli command line, the job files they run, the shard count, the thread settings and the
 * resources a training run needs.
 */
class ManifestsTest {

    static final Path K8S = Path.of("deploy/k8s");

    /** Peak resident memory of one training run (docs/results.md, gradreg bench): 483.9 MiB. */
    static final long RUN_PEAK_MIB = 484;

    /** The kinds the manifests may use, by apiVersion/kind. */
    static final Map<String, Class<? extends HasMetadata>> KINDS = Stream.of(ConfigMap.class, Secret.class,
            PersistentVolumeClaim.class, Service.class, Deployment.class, StatefulSet.class, Job.class, CronJob.class)
            .collect(Collectors.toMap(c -> HasMetadata.getApiVersion(c) + "/" + HasMetadata.getKind(c), c -> c));

    static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                    return Boolean.FALSE; // no catch-all map: unknown fields are errors
                }
            });

    static Map<String, HasMetadata> resources;

    @BeforeAll
    static void parseAll() throws IOException {
        resources = new LinkedHashMap<>();
        for (String file : kustomizationResources()) {
            for (HasMetadata r : parse(Files.readString(K8S.resolve(file)), file)) {
                String key = r.getKind() + "/" + r.getMetadata().getName();
                assertFalse(resources.containsKey(key), "two manifests define " + key);
                resources.put(key, r);
            }
        }
    }

    /** Each YAML document of a file as its typed resource. */
    static List<HasMetadata> parse(String yaml, String file) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        try (var docs = STRICT.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                String type = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
                Class<? extends HasMetadata> kind = KINDS.get(type);
                assertNotNull(kind, file + ": unexpected kind " + type + "; known: " + new TreeSet<>(KINDS.keySet()));
                out.add(STRICT.treeToValue(doc, kind));
            }
        }
        assertFalse(out.isEmpty(), file + " has no manifest");
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<String> kustomizationResources() throws IOException {
        Map<String, Object> k = new ObjectMapper(new YAMLFactory()).readValue(K8S.resolve("kustomization.yaml").toFile(),
                Map.class);
        assertEquals(Set.of("apiVersion", "kind", "labels", "resources", "images"), k.keySet(),
                "kustomization fields (a typo would be ignored by this test otherwise)");
        assertEquals("kustomize.config.k8s.io/v1beta1", k.get("apiVersion"));
        assertEquals("Kustomization", k.get("kind"));
        List<String> listed = (List<String>) k.get("resources");
        try (Stream<Path> files = Files.list(K8S)) {
            Set<String> present = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(present, new TreeSet<>(listed), "every manifest file is listed in kustomization.yaml, and exists");
        }
        return listed;
    }

    @Test
    void strictParsingRejectsAnUnknownFieldWithItsPath() {
        String yaml = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: x}\nspec:\n  completion: 3\n";
        UnrecognizedPropertyException e = assertThrows(UnrecognizedPropertyException.class, () -> parse(yaml, "x.yaml"));
        assertEquals("completion", e.getPropertyName());
        assertTrue(e.getPathReference().contains("spec"), e.getPathReference());
        assertThrows(com.fasterxml.jackson.databind.exc.InvalidFormatException.class,
                () -> parse("apiVersion: batch/v1\nkind: Job\nmetadata: {name: x}\nspec: {completions: many}\n", "x"));
    }

    @Test
    void theDeploymentHasEveryPieceTheIssueAsksFor() {
        assertEquals(Set.of("ConfigMap/gradreg-jobs", "ConfigMap/gradreg-settings", "CronJob/gradreg-nightly",
                "Deployment/gradreg-pushgateway", "Job/gradreg-c4-train-size", "PersistentVolumeClaim/gradreg-work",
                "Secret/gradreg-database", "Service/gradreg-postgres", "Service/gradreg-pushgateway",
                "StatefulSet/gradreg-postgres"), resources.keySet());
    }

    @Test
    void indexedJobRunsEveryShardOfOneExperiment() {
        Job job = (Job) resources.get("Job/gradreg-c4-train-size");
        var spec = job.getSpec();
        assertEquals("Indexed", spec.getCompletionMode());
        assertTrue(spec.getParallelism() <= spec.getCompletions());
        assertEquals("Never", spec.getTemplate().getSpec().getRestartPolicy(), "podFailurePolicy requires Never");
        Container c = gradreg(spec.getTemplate());
        assertEquals(Integer.toString(spec.getCompletions()), env(c, Shard.COUNT_ENV),
                "GRADREG_SHARDS must equal completions, or some shards' runs are never trained");
        Shard last = Shard.fromEnvironment(Map.of(Shard.INDEX_ENV, Integer.toString(spec.getCompletions() - 1),
                Shard.COUNT_ENV, env(c, Shard.COUNT_ENV))).orElseThrow();
        assertEquals(spec.getCompletions() - 1, last.index());
        ParseResult run = checkRun(c, spec.getTemplate().getSpec());
        assertFalse(run.subcommand().hasMatchedOption("--shard"), "the shard comes from JOB_COMPLETION_INDEX");
        assertTrue(run.subcommand().hasMatchedOption("--experiment-id"));
        ExperimentSpec experiment = experiment(run, spec.getTemplate().getSpec());
        assertTrue(experiment.runs().size() >= spec.getCompletions(), "every shard has runs to train");
        assertExitCode2FailsTheJob(spec.getPodFailurePolicy());
    }

    @Test
    void cronJobRunsTheScheduledJobAndPushesItsMetrics() {
        CronJob cron = (CronJob) resources.get("CronJob/gradreg-nightly");
        assertEquals("Forbid", cron.getSpec().getConcurrencyPolicy(), "two nights must not overlap");
        var template = cron.getSpec().getJobTemplate().getSpec().getTemplate();
        Container c = gradreg(template);
        ParseResult run = checkRun(c, template.getSpec());
        assertFalse(run.subcommand().hasMatchedOption("--shard"));
        experiment(run, template.getSpec());
        String pushgateway = env(c, "GRADREG_METRICS_PUSHGATEWAY_URL");
        Service service = (Service) resources.get("Service/gradreg-pushgateway");
        assertEquals("http://" + service.getMetadata().getName() + ":" + service.getSpec().getPorts().get(0).getPort(),
                pushgateway);
        assertExitCode2FailsTheJob(cron.getSpec().getJobTemplate().getSpec().getPodFailurePolicy());
    }

    @Test
    void gradregContainersPinLibtorchToOneThreadAndRequestWhatTheirRunsNeed() {
        ConfigMap settings = (ConfigMap) resources.get("ConfigMap/gradreg-settings");
        assertEquals("1", settings.getData().get("OMP_NUM_THREADS"));
        assertEquals("1", settings.getData().get("MKL_NUM_THREADS"));
        // the allocator settings of bin/gradreg (LauncherScriptIT) and the images
        assertEquals("33554432", settings.getData().get("MALLOC_MMAP_THRESHOLD_"));
        assertEquals("1073741824", settings.getData().get("MALLOC_TRIM_THRESHOLD_"));
        for (PodTemplateSpec template : gradregTemplates()) {
            Container c = gradreg(template);
            assertTrue(c.getEnvFrom().stream().map(EnvFromSource::getConfigMapRef)
                    .anyMatch(r -> r != null && r.getName().equals("gradreg-settings")), c.getName());
            assertTrue(c.getEnvFrom().stream().map(EnvFromSource::getSecretRef)
                    .anyMatch(r -> r != null && r.getName().equals("gradreg-database")), c.getName());
            int partitions = Integer.parseInt(parameters(parseArgs(c)).getProperty("partitions"));
            var requests = c.getResources().getRequests();
            var limits = c.getResources().getLimits();
            assertEquals(0, BigDecimal.valueOf(partitions).compareTo(Quantity.getAmountInBytes(requests.get("cpu"))),
                    "one CPU per run trained at once");
            assertEquals(requests.get("cpu"), limits.get("cpu"));
            long requestMib = mib(requests.get("memory"));
            // one run's peak, per run at once, plus the JVM, JBeret and JDBC around them (about 0.5 GiB)
            assertTrue(requestMib >= partitions * RUN_PEAK_MIB + 512, "memory request " + requestMib + " MiB for " + partitions
                    + " runs at once");
            assertTrue(mib(limits.get("memory")) >= requestMib + 256, "a limit above the request");
        }
        Secret secret = (Secret) resources.get("Secret/gradreg-database");
        assertTrue(secret.getStringData().get("GRADREG_DB_URL").startsWith("jdbc:postgresql://gradreg-postgres:5432/"));
    }

    @Test
    void podsReferOnlyToObjectsThatAreDeployed() {
        for (PodTemplateSpec template : gradregTemplates()) {
            for (Volume v : template.getSpec().getVolumes()) {
                if (v.getConfigMap() != null) {
                    assertTrue(resources.containsKey("ConfigMap/" + v.getConfigMap().getName()), v.getName());
                }
                if (v.getPersistentVolumeClaim() != null) {
                    assertTrue(resources.containsKey("PersistentVolumeClaim/" + v.getPersistentVolumeClaim().getClaimName()));
                }
            }
            assertEquals("true", template.getMetadata().getAnnotations().get("prometheus.io/scrape"));
            ConfigMap settings = (ConfigMap) resources.get("ConfigMap/gradreg-settings");
            assertEquals(settings.getData().get("GRADREG_METRICS_PORT"),
                    template.getMetadata().getAnnotations().get("prometheus.io/port"));
            assertEquals("/q/metrics", template.getMetadata().getAnnotations().get("prometheus.io/path"));
        }
        StatefulSet postgres = (StatefulSet) resources.get("StatefulSet/gradreg-postgres");
        assertEquals(postgres.getSpec().getSelector().getMatchLabels(),
                ((Service) resources.get("Service/gradreg-postgres")).getSpec().getSelector());
    }

    // ---- helpers ----

    List<PodTemplateSpec> gradregTemplates() {
        return List.of(((Job) resources.get("Job/gradreg-c4-train-size")).getSpec().getTemplate(),
                ((CronJob) resources.get("CronJob/gradreg-nightly")).getSpec().getJobTemplate().getSpec().getTemplate());
    }

    static Container gradreg(PodTemplateSpec template) {
        List<Container> containers = template.getSpec().getContainers();
        assertEquals(1, containers.size());
        Container c = containers.get(0);
        assertEquals("gradreg", c.getName());
        assertEquals("gradreg", c.getImage(), "the image name that kustomization.yaml's images: rewrites");
        assertTrue(c.getCommand() == null || c.getCommand().isEmpty(), "the image's entry point runs gradreg");
        return c;
    }

    /** The container's arguments parsed by gradreg's own command classes, without running anything. */
    static ParseResult parseArgs(Container c) {
        return new CommandLine(new GradregCommand()).parseArgs(c.getArgs().toArray(String[]::new));
    }

    static ParseResult checkRun(Container c, PodSpec pod) {
        ParseResult parsed = parseArgs(c);
        assertTrue(parsed.hasSubcommand(), c.getArgs().toString());
        assertEquals("run", parsed.subcommand().commandSpec().name());
        assertTrue(parsed.subcommand().unmatched().isEmpty(), parsed.subcommand().unmatched().toString());
        return parsed;
    }

    static Properties parameters(ParseResult parsed) {
        Properties p = new Properties();
        Map<String, String> params = parsed.subcommand().matchedOptionValue("--param", Map.of());
        params.forEach(p::setProperty);
        return p;
    }

    /** The job file the run names, as the pod sees it (ConfigMap or image), parsed and validated. */
    static ExperimentSpec experiment(ParseResult run, PodSpec pod) {
        String job = run.subcommand().matchedPositional(0).getValue();
        String xml;
        try {
            if (job.startsWith("/deployments/jobs/")) {
                assertTrue(Files.readString(Path.of("deploy/docker/Dockerfile.jvm")).contains("jobs /deployments/jobs"),
                        "the image carries jobs/ in /deployments/jobs");
                xml = Files.readString(Path.of("jobs").resolve(job.substring("/deployments/jobs/".length())));
            } else {
                ConfigMap jobs = (ConfigMap) resources.get("ConfigMap/gradreg-jobs");
                xml = jobs.getData().get(job + ".xml");
                assertNotNull(xml, job + ".xml in ConfigMap gradreg-jobs");
                ConfigMap settings = (ConfigMap) resources.get("ConfigMap/gradreg-settings");
                String jobsDir = settings.getData().get("GRADREG_JOBS_DIR");
                Container c = pod.getContainers().get(0);
                assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals(jobsDir)
                        && pod.getVolumes().stream().anyMatch(v -> v.getName().equals(m.getName())
                                && v.getConfigMap() != null && v.getConfigMap().getName().equals("gradreg-jobs"))),
                        "ConfigMap gradreg-jobs is mounted at GRADREG_JOBS_DIR " + jobsDir);
            }
        } catch (IOException e) {
            throw new AssertionError("job " + job + ": " + e.getMessage(), e);
        }
        JobFiles.LoadedJob loaded = JobFiles.parse(xml, job);
        return ExperimentSpec.parse(loaded.properties(), parameters(run), Regularizers.builtIn());
    }

    static void assertExitCode2FailsTheJob(io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy policy) {
        assertNotNull(policy, "a podFailurePolicy");
        assertTrue(policy.getRules().stream().anyMatch(r -> r.getAction().equals("FailJob")
                && r.getOnExitCodes().getValues().equals(List.of(2))), "bad input (exit 2) is not retried");
        assertTrue(policy.getRules().stream().anyMatch(r -> r.getAction().equals("Ignore")
                && r.getOnExitCodes().getValues().equals(List.of(75))), "an unreachable database (exit 75) is retried "
                + "without counting as a failure");
    }

    static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " sets no " + name));
    }

    static long mib(Quantity q) {
        return Quantity.getAmountInBytes(q).longValueExact() / (1024 * 1024);
    }
}
