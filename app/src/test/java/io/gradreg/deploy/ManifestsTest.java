package io.gradreg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.gradreg.batch.GracefulStop;
import io.gradreg.batch.JobFiles;
import io.gradreg.cli.ExitCode;
import io.gradreg.cli.GradregCommand;
import io.gradreg.plan.ExperimentSpec;
import io.gradreg.plan.Shard;
import io.gradreg.regularizer.Regularizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Every manifest in deploy/k8s parsed into fabric8's typed Kubernetes model with unknown fields
 * rejected (fabric8's classes keep unknown fields in an "additional properties" map; that hook is
 * switched off here, so a misspelt or misplaced field fails with its path), and what the
 * manifests say checked against the application and against the rules of issue 17: the base
 * holds only long-lived objects and experiments are created, Pod Security "restricted", no
 * password in git, the exit codes of {@link ExitCode} mapped in every podFailurePolicy, storage
 * that binds anywhere, metrics one way per workload, and memory sized from one measured number.
 * Each rule is a method that the real manifests pass and a deliberately broken copy fails (the
 * tests at the end). The API's value types and enumerations: SchemaCheckTest.
 */
class ManifestsTest {

    static final Path K8S = Path.of("deploy/k8s");
    static final Path EXPERIMENTS = K8S.resolve("experiments");
    static final Path MONITORING = K8S.resolve("monitoring");

    /**
     * Peak resident memory of one training run's whole process, measured under the image's JVM
     * flags at a 1536 MiB limit (docs/deployment.md, "Resources"): 570,916 kB, the C4 job with JacReg (the
     * heaviest of C4's regularizers) on 20,000 images, 2,000 minibatches, partitions=1.
     */
    static final double RUN_PEAK_MIB = 570_916 / 1024.0;
    /** Room above the measured peak: growth after 2,000 minibatches, other runs, other nodes. */
    static final double HEADROOM = 1.5;

    /** The kinds the manifests may use, by apiVersion/kind. */
    static final Map<String, Class<? extends HasMetadata>> KINDS = Stream.of(ConfigMap.class, Secret.class,
            PersistentVolumeClaim.class, Service.class, Deployment.class, StatefulSet.class, Job.class, CronJob.class,
            NetworkPolicy.class)
            .collect(Collectors.toMap(c -> HasMetadata.getApiVersion(c) + "/" + HasMetadata.getKind(c), c -> c));

    /** Objects that stay and are safe to apply again and again (no Job: applying one twice fails or interferes). */
    static final Set<String> LONG_LIVED = Set.of("ConfigMap", "Service", "StatefulSet", "Deployment", "CronJob",
            "NetworkPolicy");

    /**
     * podFailurePolicy: what each exit code does to an Indexed Job's index. A diverged run (1) is not
     * returned by a shard that records failed runs (GRADREG_FAILED_RUNS=record); should it be, only
     * its index fails. A bug (70) fails its index at once; maxFailedIndexes ends a bug that hits
     * shard after shard. Memory, unfinished, I/O and the database are retried, counted.
     */
    static final Map<ExitCode, String> INDEXED = Map.of(ExitCode.RUN_FAILED, "FailIndex", ExitCode.BAD_INPUT, "FailJob",
            ExitCode.NO_PERMISSION, "FailJob", ExitCode.INTERNAL, "FailIndex", ExitCode.OUT_OF_MEMORY, "Count",
            ExitCode.UNFINISHED, "Count", ExitCode.IO_ERROR, "Count", ExitCode.UNAVAILABLE, "Count");
    /** ... and to a Job of one pod (the CronJob's): no index to fail, a deterministic failure fails the Job. */
    static final Map<ExitCode, String> SINGLE = Map.of(ExitCode.RUN_FAILED, "FailJob", ExitCode.BAD_INPUT, "FailJob",
            ExitCode.NO_PERMISSION, "FailJob", ExitCode.INTERNAL, "FailJob", ExitCode.OUT_OF_MEMORY, "Count",
            ExitCode.UNFINISHED, "Count", ExitCode.IO_ERROR, "Count", ExitCode.UNAVAILABLE, "Count");
    /** ... and to the report Job, whose exit 1 means runs are missing: retrying now would not find them. */
    static final Map<ExitCode, String> REPORT = SINGLE;

    static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                    return Boolean.FALSE; // no catch-all map: unknown fields are errors
                }
            });
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The base (kubectl apply -k deploy/k8s), by kind/name. */
    static Map<String, HasMetadata> resources;
    /** The experiments (kubectl create -f deploy/k8s/experiments/FILE), by file name. */
    static Map<String, Job> experiments;

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
        experiments = new LinkedHashMap<>();
        try (Stream<Path> dirs = Files.list(EXPERIMENTS)) {
            for (Path dir : dirs.sorted().toList()) {
                assertEquals(List.of("job.yaml"), experimentResources(dir), dir + ": an experiment is one Job");
                Path file = dir.resolve("job.yaml");
                List<HasMetadata> parsed = parse(Files.readString(file), file.toString());
                assertEquals(1, parsed.size(), file + ": one Job per experiment");
                experiments.put(dir.getFileName().toString(), (Job) parsed.get(0));
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

    static <T extends HasMetadata> T parseOne(String yaml, Class<T> kind) {
        try {
            return kind.cast(parse(yaml, "copy").get(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> kustomization() throws IOException {
        return YAML.readValue(K8S.resolve("kustomization.yaml").toFile(), Map.class);
    }

    @SuppressWarnings("unchecked")
    static List<String> kustomizationResources() throws IOException {
        Map<String, Object> k = kustomization();
        assertEquals(Set.of("apiVersion", "kind", "labels", "resources", "secretGenerator", "components"), k.keySet(),
                "kustomization fields (a typo would be ignored by this test otherwise)");
        assertEquals("kustomize.config.k8s.io/v1beta1", k.get("apiVersion"));
        assertEquals("Kustomization", k.get("kind"));
        List<String> listed = (List<String>) k.get("resources");
        Set<String> present = yamlFiles(K8S).stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(present, new TreeSet<>(listed), "every manifest file is listed in kustomization.yaml, and exists");
        assertEquals(List.of("images"), k.get("components"), "the images of deploy/k8s/images, shared with the experiments");
        return listed;
    }

    /** An experiment's kustomization: its resources; it takes the images from the shared component, and nothing else. */
    @SuppressWarnings("unchecked")
    static List<String> experimentResources(Path dir) throws IOException {
        Map<String, Object> k = YAML.readValue(dir.resolve("kustomization.yaml").toFile(), Map.class);
        assertEquals(List.of("../../images"), k.get("components"), dir + ": the images of deploy/k8s/images");
        assertNull(k.get("images"), dir + ": images are set in deploy/k8s/images only, for every object at once");
        return (List<String>) k.get("resources");
    }

    static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }

    // ---- the manifests ----

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
    void theBaseHoldsTheLongLivedPiecesAndTheExperimentsAreJobsToCreate() {
        assertEquals(Set.of("ConfigMap/gradreg-jobs", "ConfigMap/gradreg-settings", "ConfigMap/gradreg-postgres-init",
                "CronJob/gradreg-nightly", "Deployment/gradreg-pushgateway", "NetworkPolicy/gradreg",
                "NetworkPolicy/gradreg-postgres", "NetworkPolicy/gradreg-pushgateway", "Service/gradreg-postgres",
                "Service/gradreg-postgres-headless", "Service/gradreg-pushgateway", "StatefulSet/gradreg-postgres"),
                resources.keySet());
        assertEquals(Set.of("c4-train-size", "report"), experiments.keySet());
        assertLongLived(List.copyOf(resources.values()));
        experiments.values().forEach(ManifestsTest::assertCreatedNotApplied);
    }

    @Test
    void everyWorkloadPassesPodSecurityRestricted() {
        for (var t : allTemplates().entrySet()) {
            assertRestricted(t.getKey(), t.getValue().getSpec());
        }
        ConfigMap settings = (ConfigMap) resources.get("ConfigMap/gradreg-settings");
        for (var t : gradregTemplates().entrySet()) {
            assertWritable(t.getKey(), t.getValue().getSpec(), "/tmp"); // the JVM's and DJL's scratch space
            assertWritable(t.getKey(), t.getValue().getSpec(), settings.getData().get("GRADREG_WORK_DIR"));
        }
        PodSpec postgres = ((StatefulSet) resources.get("StatefulSet/gradreg-postgres")).getSpec().getTemplate().getSpec();
        assertWritable("postgres", postgres, "/var/run/postgresql");
        assertWritable("postgres", postgres, "/tmp");
    }

    @Test
    void noPasswordIsInGitAndEachContainerGetsOnlyTheSecretKeysItNeeds() throws IOException {
        List<HasMetadata> tracked = new ArrayList<>(resources.values());
        tracked.addAll(experiments.values());
        assertNoPasswordInGit(tracked);
        for (Path example : exampleEnvFiles()) {
            assertNoPasswordIn(example);
        }
        // gradreg connects as its own role; the superuser's password goes to PostgreSQL alone
        for (var t : gradregTemplates().entrySet()) {
            for (EnvVar e : gradreg(t.getValue()).getEnv()) {
                assertFalse(e.getName().startsWith("POSTGRES_"), t.getKey() + " gets " + e.getName());
            }
            assertEquals("GRADREG_DB_USER", secretKey(gradreg(t.getValue()), "GRADREG_DB_USER"));
            assertEquals("GRADREG_DB_PASSWORD", secretKey(gradreg(t.getValue()), "GRADREG_DB_PASSWORD"));
        }
        Properties example = new Properties();
        example.load(Files.newBufferedReader(K8S.resolve("database.env.example")));
        assertNotEquals("postgres", example.getProperty("GRADREG_DB_USER"), "the app's role is not the superuser");
        assertTrue(example.getProperty("GRADREG_DB_URL").startsWith("jdbc:postgresql://gradreg-postgres:5432/gradreg"));
        assertTrue(example.getProperty("GRADREG_DB_URL").matches(".*[?&]sslmode=[a-z-]+.*"),
                "TLS said explicitly, not left to the driver's silent fallback");
        ConfigMap init = (ConfigMap) resources.get("ConfigMap/gradreg-postgres-init");
        String script = init.getData().values().iterator().next();
        assertTrue(script.contains("CREATE ROLE :\"app_user\" LOGIN PASSWORD :'app_password' NOSUPERUSER"), script);
        assertTrue(script.contains("CREATE DATABASE gradreg OWNER :\"app_user\""), script);
        Volume initVolume = ((StatefulSet) resources.get("StatefulSet/gradreg-postgres")).getSpec().getTemplate().getSpec()
                .getVolumes().stream().filter(v -> v.getConfigMap() != null
                        && v.getConfigMap().getName().equals(init.getMetadata().getName())).findFirst().orElseThrow();
        assertEquals(0555, initVolume.getConfigMap().getDefaultMode(), "executable: run, not sourced into the entry point");
        Container postgres = ((StatefulSet) resources.get("StatefulSet/gradreg-postgres")).getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        assertTrue(postgres.getEnv().stream().noneMatch(e -> e.getName().equals("POSTGRES_USER")),
                "the superuser keeps the image's name, postgres");
    }

    @Test
    void everyPodFailurePolicyMapsTheCommandsExitCodes() {
        Job c4 = experiments.get("c4-train-size");
        assertNotNull(c4.getSpec().getBackoffLimitPerIndex(), "FailIndex needs backoffLimitPerIndex");
        assertExitCodesMapped(c4.getSpec().getPodFailurePolicy(), INDEXED);
        assertExitCodesMapped(nightly().getSpec().getJobTemplate().getSpec().getPodFailurePolicy(), SINGLE);
        assertExitCodesMapped(experiments.get("report").getSpec().getPodFailurePolicy(), REPORT);
        // the Indexed Job's shards record failed runs; the nightly check fails on one (exit 1)
        assertEquals("record", env(gradreg(c4.getSpec().getTemplate()), "GRADREG_FAILED_RUNS"));
        assertTrue(gradreg(nightly().getSpec().getJobTemplate().getSpec().getTemplate()).getEnv().stream()
                .noneMatch(e -> e.getName().equals("GRADREG_FAILED_RUNS")), "the nightly exits 1 on a diverged run");
        int stopSeconds = Integer.parseInt(stopSecondsDefault());
        for (var t : allTemplates().entrySet()) {
            if (t.getKey().startsWith("gradreg")) {
                long grace = t.getValue().getSpec().getTerminationGracePeriodSeconds();
                assertTrue(grace >= stopSeconds + 10, t.getKey() + ": " + grace + " s to stop, gradreg takes up to "
                        + stopSeconds + " s to checkpoint every run (gradreg.stop-seconds)");
            }
        }
    }

    @Test
    void noPodFailurePolicyIgnoresAnExitCode() {
        for (PodFailurePolicy policy : List.of(experiments.get("c4-train-size").getSpec().getPodFailurePolicy(),
                nightly().getSpec().getJobTemplate().getSpec().getPodFailurePolicy(),
                experiments.get("report").getSpec().getPodFailurePolicy())) {
            assertNoIgnoredExitCode(policy);
        }
    }

    @Test
    void fourShardsWithADivergedRunLeaveTheOtherShardsRunning() {
        Job c4 = experiments.get("c4-train-size");
        Container c = gradreg(c4.getSpec().getTemplate());
        // what a shard whose share finished, one run of it diverged, exits with under the pod's settings
        int diverged = ExitCode.ofJob(jakarta.batch.runtime.BatchStatus.COMPLETED, 1,
                ExitCode.FailedRuns.parse(env(c, "GRADREG_FAILED_RUNS"))).code();
        JobController job = new JobController(c4);
        int shards = c4.getSpec().getCompletions();
        int withADivergedRun = c4.getSpec().getMaxFailedIndexes() + 1;
        for (int i = 0; i < withADivergedRun; i++) {
            job.podEnded(i, diverged);
        }
        assertNull(job.failure, "the Job ended: " + job.failure);
        assertEquals(shards - withADivergedRun, job.running().size(), "the other shards go on");
        assertTrue(job.failedIndexes.isEmpty(), "diverged runs failed no index: " + job.failedIndexes);
    }

    @Test
    void everyFailureEndsAfterBoundedRetriesAndABugDoesNotBurnPods() {
        Job c4 = experiments.get("c4-train-size");
        int perIndex = c4.getSpec().getBackoffLimitPerIndex() + 1;
        for (ExitCode code : ExitCode.values()) {
            if (code == ExitCode.OK) {
                continue;
            }
            // one shard whose every pod exits with this code
            JobController job = new JobController(c4);
            int pods = 0;
            while (job.failure == null && !job.failedIndexes.contains(0) && pods < 100) {
                job.podEnded(0, code.code());
                pods++;
            }
            assertTrue(pods <= perIndex, code + ": " + pods + " pods for one shard; at most " + perIndex);
            if (code == ExitCode.INTERNAL || code == ExitCode.RUN_FAILED) {
                assertEquals(1, pods, code + " is deterministic: one pod, no retries");
            }
        }
        // a bug that hits every shard ends the Job after maxFailedIndexes + 1 pods, not 4 per index
        JobController job = new JobController(c4);
        int pods = 0;
        for (int i = 0; job.failure == null && i < c4.getSpec().getCompletions(); i++, pods++) {
            job.podEnded(i, ExitCode.INTERNAL.code());
        }
        assertEquals("MaxFailedIndexesExceeded", job.failure);
        assertEquals(c4.getSpec().getMaxFailedIndexes() + 1, pods);
    }

    @Test
    void imagesAreSetInOnePlacePinnedAndPulledExplicitly() throws IOException {
        Map<String, Map<String, String>> images = imagesComponent(Files.readString(K8S.resolve("images/kustomization.yaml")));
        for (var t : allTemplates().entrySet()) {
            for (Container c : t.getValue().getSpec().getContainers()) {
                assertImageFromTheComponent(t.getKey(), c, images);
            }
        }
        assertDigestPinned("postgres", images);
    }

    @Test
    void aTagInAManifestOrAnUnpinnedPostgresFails() throws IOException {
        String component = Files.readString(K8S.resolve("images/kustomization.yaml"));
        Map<String, Map<String, String>> images = imagesComponent(component);
        String postgres = Files.readString(K8S.resolve("postgres.yaml"));
        StatefulSet tagged = parseOne(edit(postgres, "image: postgres\n", "image: postgres:15\n"), StatefulSet.class);
        assertThrows(AssertionError.class, () -> assertImageFromTheComponent("copy",
                tagged.getSpec().getTemplate().getSpec().getContainers().get(0), images));
        StatefulSet implicit = parseOne(edit(postgres, "          imagePullPolicy: IfNotPresent\n", ""), StatefulSet.class);
        assertThrows(AssertionError.class, () -> assertImageFromTheComponent("copy",
                implicit.getSpec().getTemplate().getSpec().getContainers().get(0), images));
        String unpinned = component.replaceAll("    digest: sha256:[0-9a-f]{64}\n", "    newTag: \"15\"\n");
        assertThrows(AssertionError.class, () -> assertDigestPinned("postgres", imagesComponent(unpinned)));
    }

    @Test
    void everyEmptyDirIsBoundedAndEveryContainerRequestsItsEphemeralStorage() {
        for (var t : allTemplates().entrySet()) {
            assertEphemeralStorageBounded(t.getKey(), t.getValue().getSpec());
        }
    }

    @Test
    void thePostgresStatefulSetIsGovernedByAHeadlessService() {
        StatefulSet postgres = (StatefulSet) resources.get("StatefulSet/gradreg-postgres");
        Service governing = (Service) resources.get("Service/" + postgres.getSpec().getServiceName());
        assertNotNull(governing, "serviceName " + postgres.getSpec().getServiceName() + " names no Service");
        assertEquals("None", governing.getSpec().getClusterIP(), "a StatefulSet's serviceName is a headless Service");
        assertEquals(postgres.getSpec().getSelector().getMatchLabels(), governing.getSpec().getSelector());
    }

    @Test
    void theImagesRunAsTheUserThePodsSay() throws IOException {
        for (String dockerfile : List.of("deploy/docker/Dockerfile.jvm", "deploy/docker/Dockerfile.native")) {
            List<String> users = Files.readAllLines(Path.of(dockerfile)).stream().filter(l -> l.startsWith("USER "))
                    .map(l -> l.substring(5).strip()).toList();
            for (var t : gradregTemplates().entrySet()) {
                assertEquals(Long.toString(t.getValue().getSpec().getSecurityContext().getRunAsUser()),
                        users.get(users.size() - 1), dockerfile + "'s last USER, " + t.getKey() + "'s runAsUser");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void anExperimentIsNamedByItsKustomizationAndTheReportNamesItsExperiment() throws IOException {
        Map<String, Object> c4 = YAML.readValue(EXPERIMENTS.resolve("c4-train-size/kustomization.yaml").toFile(), Map.class);
        String suffix = (String) c4.get("nameSuffix");
        assertTrue(suffix != null && suffix.matches("-[a-z0-9-]+"), "a nameSuffix: a new experiment is a new name");
        String experiment = experiments.get("c4-train-size").getMetadata().getName() + suffix;
        Map<String, Object> report = YAML.readValue(EXPERIMENTS.resolve("report/kustomization.yaml").toFile(), Map.class);
        var labels = (List<Map<String, Map<String, String>>>) report.get("labels");
        assertEquals(experiment, labels.get(0).get("pairs").get("gradreg.io/experiment"),
                "the report's default experiment is the C4 kustomization's");
        String replacements = report.get("replacements").toString();
        assertTrue(replacements.contains("metadata.labels.[gradreg.io/experiment]"), replacements);
        assertTrue(replacements.contains("env.[name=GRADREG_EXPERIMENT_ID].value"), replacements);
        assertTrue(experiments.get("report").getMetadata().getName().endsWith("report-of-EXPERIMENT"),
                "the part of the name the replacement sets");
    }

    @Test
    void indexedJobRunsEveryShardOfOneExperiment() {
        Job job = experiments.get("c4-train-size");
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
        ParseResult run = checkRun(c);
        assertFalse(run.subcommand().hasMatchedOption("--shard"), "the shard comes from JOB_COMPLETION_INDEX");
        assertExperimentIsTheJobsName(c);
        ExperimentSpec experiment = experiment(run, spec.getTemplate().getSpec());
        assertTrue(experiment.runs().size() >= spec.getCompletions(), "every shard has runs to train");
    }

    @Test
    void cronJobRunsTheScheduledJobAsOneShardThatARetriedPodContinues() {
        CronJob cron = nightly();
        assertEquals("Forbid", cron.getSpec().getConcurrencyPolicy(), "two nights must not overlap");
        var template = cron.getSpec().getJobTemplate().getSpec().getTemplate();
        Container c = gradreg(template);
        ParseResult run = checkRun(c);
        assertEquals("0/1", run.subcommand().matchedOptionValue("--shard", ""),
                "one shard of one: an experiment id, so that the next pod continues it");
        assertExperimentIsTheJobsName(c);
        experiment(run, template.getSpec());
    }

    @Test
    void theReportJobReportsTheExperimentItIsGiven() {
        Container c = gradreg(experiments.get("report").getSpec().getTemplate());
        ParseResult parsed = parseArgs(c);
        assertEquals("report", parsed.subcommand().commandSpec().name());
        assertEquals("$(GRADREG_EXPERIMENT_ID)", parsed.subcommand().matchedOptionValue("--experiment", ""),
                "Kubernetes puts the variable's value there");
        assertEquals("EXPERIMENT", env(c, "GRADREG_EXPERIMENT_ID"), "the placeholder the kustomization replaces");
    }

    @Test
    void metricsReachPrometheusOneWayPerWorkload() throws IOException {
        ConfigMap settings = (ConfigMap) resources.get("ConfigMap/gradreg-settings");
        String port = settings.getData().get("GRADREG_METRICS_PORT");
        Service pushgatewayService = (Service) resources.get("Service/gradreg-pushgateway");
        // the CronJob pushes, into one stable group, and is not scraped
        PodTemplateSpec cron = nightly().getSpec().getJobTemplate().getSpec().getTemplate();
        Container c = gradreg(cron);
        assertEquals("http://" + pushgatewayService.getMetadata().getName() + ":"
                + pushgatewayService.getSpec().getPorts().get(0).getPort(), env(c, "GRADREG_METRICS_PUSHGATEWAY_URL"));
        assertEquals("nightly", env(c, "GRADREG_METRICS_PUSH_GROUP"), "a stable group, replaced every night");
        assertTrue(cron.getMetadata().getAnnotations() == null || cron.getMetadata().getAnnotations().keySet().stream()
                .noneMatch(a -> a.startsWith("prometheus.io/")), "pushed, so not scraped too");
        assertTrue(c.getPorts() == null || c.getPorts().isEmpty(), "no metrics port for a PodMonitor to find");
        // the Indexed Job is scraped, and does not push
        PodTemplateSpec c4 = experiments.get("c4-train-size").getSpec().getTemplate();
        Container shard = gradreg(c4);
        assertTrue(shard.getEnv().stream().noneMatch(e -> e.getName().startsWith("GRADREG_METRICS_PUSH")));
        Map<String, String> annotations = c4.getMetadata().getAnnotations();
        assertEquals("true", annotations.get("prometheus.io/scrape"));
        assertEquals(port, annotations.get("prometheus.io/port"));
        assertEquals("/q/metrics", annotations.get("prometheus.io/path"));
        assertEquals("metrics", shard.getPorts().get(0).getName());
        assertEquals(port, Integer.toString(shard.getPorts().get(0).getContainerPort()));
        // Prometheus Operator examples
        JsonNode podMonitor = YAML.readTree(MONITORING.resolve("podmonitor.yaml").toFile());
        assertEquals("metrics", podMonitor.at("/spec/podMetricsEndpoints/0/port").asText());
        assertEquals("/q/metrics", podMonitor.at("/spec/podMetricsEndpoints/0/path").asText());
        assertTrue(matches(YAML.convertValue(podMonitor.at("/spec/selector/matchLabels"), Map.class),
                c4.getMetadata().getLabels()));
        JsonNode serviceMonitor = YAML.readTree(MONITORING.resolve("servicemonitor-pushgateway.yaml").toFile());
        assertTrue(serviceMonitor.at("/spec/endpoints/0/honorLabels").asBoolean(), "keep the pushed job labels");
        assertEquals(pushgatewayService.getSpec().getPorts().get(0).getName(),
                serviceMonitor.at("/spec/endpoints/0/port").asText());
        assertTrue(matches(YAML.convertValue(serviceMonitor.at("/spec/selector/matchLabels"), Map.class),
                pushgatewayService.getMetadata().getLabels()));
        // plain Prometheus: Kubernetes service discovery of the annotated pods and of the Pushgateway
        JsonNode prometheus = YAML.readTree(Path.of("deploy/prometheus-kubernetes.yml").toFile());
        Map<String, JsonNode> byRole = new LinkedHashMap<>();
        for (JsonNode job : prometheus.get("scrape_configs")) {
            byRole.put(job.at("/kubernetes_sd_configs/0/role").asText(), job);
        }
        assertEquals(Set.of("pod", "endpointslice"), byRole.keySet(), "EndpointSlices: v1 Endpoints are deprecated");
        for (JsonNode job : prometheus.get("scrape_configs")) {
            assertFalse(job.at("/kubernetes_sd_configs/0/namespaces/names").isEmpty(),
                    "discovery in gradreg's namespace only, where deploy/prometheus-kubernetes-rbac.yaml's Role is");
        }
        String relabel = byRole.get("pod").get("relabel_configs").toString();
        for (String annotation : List.of("prometheus_io_scrape", "prometheus_io_port", "prometheus_io_path")) {
            assertTrue(relabel.contains("__meta_kubernetes_pod_annotation_" + annotation), annotation + " in " + relabel);
        }
        // its discovery's RBAC (schema: SchemaCheckTest): read pods and EndpointSlices, nothing else
        List<JsonNode> rbac = new ArrayList<>();
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(
                Path.of("deploy/prometheus-kubernetes-rbac.yaml").toFile())) {
            docs.forEachRemaining(rbac::add);
        }
        assertEquals("Role", rbac.get(0).get("kind").asText(), "a Role, in gradreg's namespace; no ClusterRole");
        Set<String> readable = new TreeSet<>();
        for (JsonNode rule : rbac.get(0).get("rules")) {
            rule.get("resources").forEach(r -> readable.add(r.asText()));
            assertEquals("[\"get\",\"list\",\"watch\"]", rule.get("verbs").toString(), "read only");
        }
        assertEquals(Set.of("endpointslices", "pods"), readable);
        assertEquals(rbac.get(0).at("/metadata/name"), rbac.get(1).at("/roleRef/name"));
        assertTrue(byRole.get("endpointslice").get("honor_labels").asBoolean());
        assertTrue(byRole.get("endpointslice").get("relabel_configs").toString().contains(
                pushgatewayService.getMetadata().getName() + ";" + pushgatewayService.getSpec().getPorts().get(0).getName()));
    }

    @Test
    void storageBindsOnAnyClusterAndStateLivesInPostgres() {
        for (HasMetadata r : resources.values()) {
            assertFalse(r instanceof PersistentVolumeClaim, "no shared volume in the base: " + r.getMetadata().getName());
        }
        for (var t : gradregTemplates().entrySet()) {
            for (Volume v : t.getValue().getSpec().getVolumes()) {
                assertTrue(v.getEmptyDir() != null || v.getConfigMap() != null, t.getKey() + " volume " + v.getName()
                        + ": emptyDir or ConfigMap, nothing to bind");
                if (v.getConfigMap() != null) {
                    assertTrue(resources.containsKey("ConfigMap/" + v.getConfigMap().getName()), v.getName());
                }
            }
        }
        for (PersistentVolumeClaim claim : ((StatefulSet) resources.get("StatefulSet/gradreg-postgres")).getSpec()
                .getVolumeClaimTemplates()) {
            assertEquals(List.of("ReadWriteOnce"), claim.getSpec().getAccessModes(), "every storage class offers RWO");
            assertNull(claim.getSpec().getStorageClassName(), "the cluster's default class");
        }
    }

    @Test
    void onlyGradregsPodsReachPostgresAndThePushgateway() {
        Map<String, String> gradreg = Map.of("app.kubernetes.io/name", "gradreg");
        for (var t : gradregTemplates().entrySet()) {
            assertTrue(matches(gradreg, t.getValue().getMetadata().getLabels()), t.getKey());
        }
        Map<String, String> prometheus = Map.of("app.kubernetes.io/name", "prometheus");
        assertIngressOnlyFrom("StatefulSet/gradreg-postgres",
                ((StatefulSet) resources.get("StatefulSet/gradreg-postgres")).getSpec().getTemplate(), List.of(gradreg));
        assertIngressOnlyFrom("Deployment/gradreg-pushgateway",
                ((Deployment) resources.get("Deployment/gradreg-pushgateway")).getSpec().getTemplate(),
                List.of(gradreg, prometheus));
        assertIngressOnlyFrom("gradreg's pods", experiments.get("c4-train-size").getSpec().getTemplate(),
                List.of(prometheus));
        StatefulSet postgres = (StatefulSet) resources.get("StatefulSet/gradreg-postgres");
        assertEquals(postgres.getSpec().getSelector().getMatchLabels(),
                ((Service) resources.get("Service/gradreg-postgres")).getSpec().getSelector());
    }

    @Test
    void gradregContainersPinLibtorchToOneThreadAndAreSizedFromTheMeasuredPeak() {
        ConfigMap settings = (ConfigMap) resources.get("ConfigMap/gradreg-settings");
        assertEquals("1", settings.getData().get("OMP_NUM_THREADS"));
        assertEquals("1", settings.getData().get("MKL_NUM_THREADS"));
        // the allocator settings of bin/gradreg (LauncherScriptIT) and the images
        assertEquals("33554432", settings.getData().get("MALLOC_MMAP_THRESHOLD_"));
        assertEquals("1073741824", settings.getData().get("MALLOC_TRIM_THRESHOLD_"));
        for (var t : trainingTemplates().entrySet()) {
            Container c = gradreg(t.getValue());
            assertTrue(c.getEnvFrom().stream().anyMatch(r -> r.getConfigMapRef() != null
                    && r.getConfigMapRef().getName().equals("gradreg-settings")), t.getKey());
            assertEquals("amd64", t.getValue().getSpec().getNodeSelector().get("kubernetes.io/arch"),
                    "libtorch in the image is linux-x86_64");
            int partitions = Integer.parseInt(parameters(parseArgs(c)).getProperty("partitions"));
            assertSizedFromThePeak(c, partitions);
        }
        assertEquals("amd64", experiments.get("report").getSpec().getTemplate().getSpec().getNodeSelector()
                .get("kubernetes.io/arch"));
    }

    // ---- the rules, each also run on a broken copy below ----

    static void assertLongLived(List<HasMetadata> base) {
        for (HasMetadata r : base) {
            assertTrue(LONG_LIVED.contains(r.getKind()), r.getKind() + "/" + r.getMetadata().getName()
                    + " in the base: re-applying it would touch a running experiment; create experiments instead");
            if (r instanceof CronJob cron) {
                assertNotEquals(Boolean.TRUE, cron.getSpec().getSuspend(), "suspend in the base: every re-apply "
                        + "would suspend " + cron.getMetadata().getName());
                assertNotEquals(Boolean.TRUE, cron.getSpec().getJobTemplate().getSpec().getSuspend(),
                        "a suspended job template");
            }
        }
    }

    static void assertCreatedNotApplied(Job job) {
        String what = "experiment " + job.getMetadata().getName();
        // kustomize cannot render a generateName: a name (+ the kustomization's nameSuffix) is the
        // experiment id; kubectl create -k refuses one that exists, and a Job created again under an
        // ended one's name continues that experiment (docs/operations.md, "Resuming an experiment")
        assertNull(job.getMetadata().getGenerateName(), what + ": kustomize refuses generateName");
        assertNotNull(job.getMetadata().getName(), "an experiment Job has a name, its experiment id");
        assertNotNull(job.getSpec().getTtlSecondsAfterFinished(), what + ": ttlSecondsAfterFinished");
        assertNotNull(job.getSpec().getActiveDeadlineSeconds(), what + ": activeDeadlineSeconds (Pending forever)");
        assertNotEquals(Boolean.TRUE, job.getSpec().getSuspend(), what + ": suspend");
    }

    /** Pod Security Standard "restricted" (kubernetes.io/docs/concepts/security/pod-security-standards). */
    static void assertRestricted(String what, PodSpec pod) {
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), what + ": automountServiceAccountToken");
        assertNotEquals(Boolean.TRUE, pod.getHostNetwork(), what);
        assertNotEquals(Boolean.TRUE, pod.getHostPID(), what);
        assertNotEquals(Boolean.TRUE, pod.getHostIPC(), what);
        PodSecurityContext podContext = pod.getSecurityContext();
        assertNotNull(podContext, what + ": a pod securityContext");
        assertEquals(Boolean.TRUE, podContext.getRunAsNonRoot(), what + ": runAsNonRoot");
        assertNotEquals(Long.valueOf(0), podContext.getRunAsUser(), what + ": runAsUser 0");
        assertEquals("RuntimeDefault", podContext.getSeccompProfile() == null ? null
                : podContext.getSeccompProfile().getType(), what + ": seccompProfile RuntimeDefault");
        for (Volume v : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
            assertNull(v.getHostPath(), what + ": hostPath volume " + v.getName());
        }
        List<Container> containers = new ArrayList<>(pod.getContainers());
        if (pod.getInitContainers() != null) {
            containers.addAll(pod.getInitContainers());
        }
        for (Container c : containers) {
            String where = what + ", container " + c.getName() + ": ";
            SecurityContext sc = c.getSecurityContext();
            assertNotNull(sc, where + "a securityContext");
            assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), where + "allowPrivilegeEscalation: false");
            assertNotEquals(Boolean.TRUE, sc.getPrivileged(), where + "privileged");
            assertTrue(sc.getCapabilities() != null && sc.getCapabilities().getDrop().contains("ALL"),
                    where + "capabilities.drop: [ALL]");
            assertTrue(sc.getCapabilities().getAdd() == null || sc.getCapabilities().getAdd().isEmpty(),
                    where + "adds capabilities");
            assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem(), where + "readOnlyRootFilesystem: true");
            assertNotEquals(Long.valueOf(0), sc.getRunAsUser(), where + "runAsUser 0");
        }
    }

    /** A directory the container writes: a writable emptyDir mounted at it or above it. */
    static void assertWritable(String what, PodSpec pod, String dir) {
        Set<String> emptyDirs = pod.getVolumes().stream().filter(v -> v.getEmptyDir() != null).map(Volume::getName)
                .collect(Collectors.toSet());
        for (Container c : pod.getContainers()) {
            assertTrue(c.getVolumeMounts().stream().anyMatch(m -> emptyDirs.contains(m.getName())
                    && !Boolean.TRUE.equals(m.getReadOnly()) && (dir + "/").startsWith(m.getMountPath() + "/")),
                    what + ", " + c.getName() + ": " + dir + " must be on an emptyDir (the root filesystem is read-only)");
        }
    }

    /** No Secret with data in git; secrets reach containers one key at a time, never as literal values. */
    static void assertNoPasswordInGit(List<HasMetadata> tracked) {
        for (HasMetadata r : tracked) {
            if (r instanceof Secret s) {
                fail("Secret " + s.getMetadata().getName() + " is in git; it belongs in database.env (secretGenerator)");
            }
            for (PodSpec pod : podSpecs(r)) {
                for (Container c : pod.getContainers()) {
                    if (c.getEnvFrom() != null) {
                        assertTrue(c.getEnvFrom().stream().allMatch(f -> f.getSecretRef() == null),
                                c.getName() + ": envFrom a Secret hands it every key; use secretKeyRef per variable");
                    }
                    for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                        if (e.getName().matches(".*(PASSWORD|SECRET|TOKEN).*")) {
                            assertTrue(e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null,
                                    c.getName() + ": " + e.getName() + " must come from a Secret, not be written here");
                        }
                    }
                }
            }
        }
    }

    /** The env files of secretGenerator: ignored by git; their examples are tracked and hold no password. */
    @SuppressWarnings("unchecked")
    static List<Path> exampleEnvFiles() throws IOException {
        List<Path> examples = new ArrayList<>();
        for (Map<String, Object> generator : (List<Map<String, Object>>) kustomization().get("secretGenerator")) {
            assertNull(generator.get("literals"), "secretGenerator literals are passwords in git");
            for (String file : (List<String>) generator.get("envs")) {
                assertEquals(0, git("check-ignore", "-q", K8S.resolve(file).toString()), file + " must be git-ignored");
                assertNotEquals(0, git("ls-files", "--error-unmatch", K8S.resolve(file).toString()),
                        file + " must not be tracked");
                Path example = K8S.resolve(file + ".example");
                assertEquals(0, git("ls-files", "--error-unmatch", example.toString()), example + " is tracked");
                examples.add(example);
            }
        }
        assertFalse(examples.isEmpty());
        return examples;
    }

    static void assertNoPasswordIn(Path envFile) throws IOException {
        for (String line : Files.readAllLines(envFile)) {
            String[] kv = line.split("=", 2);
            if (!line.startsWith("#") && kv.length == 2 && kv[0].matches(".*(PASSWORD|SECRET|TOKEN).*")) {
                assertEquals("", kv[1].strip(), envFile + ": " + kv[0] + " has a value; leave it empty in the example");
            }
        }
    }

    /** Every exit code of {@code expected} gets its action, and an eviction is ignored. */
    static void assertExitCodesMapped(PodFailurePolicy policy, Map<ExitCode, String> expected) {
        assertNotNull(policy, "a podFailurePolicy");
        assertEquals("Ignore", actionOnDisruption(policy), "an eviction or preemption (DisruptionTarget) is not counted");
        Map<ExitCode, String> actual = new EnumMap<>(ExitCode.class);
        for (ExitCode code : expected.keySet()) {
            actual.put(code, action(policy, code.code()));
        }
        assertEquals(new EnumMap<>(expected), actual, "podFailurePolicy action by exit code");
        Set<Integer> known = Stream.of(ExitCode.values()).map(ExitCode::code).collect(Collectors.toSet());
        for (PodFailurePolicyRule rule : policy.getRules()) {
            if (rule.getOnExitCodes() != null) {
                assertTrue(known.containsAll(rule.getOnExitCodes().getValues()), "exit codes " + rule.getOnExitCodes()
                        .getValues() + " that gradreg never returns; it returns " + new TreeSet<>(known));
            }
        }
    }

    /** Every emptyDir has a sizeLimit; each container requests (= limits) ephemeral storage for the ones it mounts. */
    static void assertEphemeralStorageBounded(String what, PodSpec pod) {
        Map<String, Quantity> limits = new LinkedHashMap<>();
        for (Volume v : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
            if (v.getEmptyDir() != null) {
                assertNotNull(v.getEmptyDir().getSizeLimit(), what + ": emptyDir " + v.getName() + " without sizeLimit");
                limits.put(v.getName(), v.getEmptyDir().getSizeLimit());
            }
        }
        for (Container c : pod.getContainers()) {
            Quantity requested = c.getResources().getRequests().get("ephemeral-storage");
            assertNotNull(requested, what + ", " + c.getName() + ": no ephemeral-storage request");
            assertEquals(requested, c.getResources().getLimits().get("ephemeral-storage"), what + ": request = limit");
            BigDecimal mounted = c.getVolumeMounts() == null ? BigDecimal.ZERO : c.getVolumeMounts().stream()
                    .filter(m -> limits.containsKey(m.getName()))
                    .map(m -> Quantity.getAmountInBytes(limits.get(m.getName()))).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertTrue(Quantity.getAmountInBytes(requested).compareTo(mounted) > 0, what + ", " + c.getName()
                    + ": ephemeral-storage " + requested + " below its emptyDirs' " + mounted + " bytes and its log");
        }
    }

    /** deploy/k8s/images: the Component every kustomization includes, its images by name. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, String>> imagesComponent(String yaml) {
        try {
            Map<String, Object> k = YAML.readValue(yaml, Map.class);
            assertEquals("Component", k.get("kind"));
            Map<String, Map<String, String>> byName = new LinkedHashMap<>();
            for (Map<String, String> image : (List<Map<String, String>>) k.get("images")) {
                byName.put(image.get("name"), image);
            }
            return byName;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A container names its image without registry, tag or digest (the component sets them), and its pull policy. */
    static void assertImageFromTheComponent(String what, Container c, Map<String, Map<String, String>> images) {
        assertTrue(images.containsKey(c.getImage()), what + ", " + c.getName() + ": image " + c.getImage()
                + " is not one deploy/k8s/images sets; it sets " + images.keySet());
        assertNotNull(images.get(c.getImage()).get("newName"), c.getImage() + ": a registry, never an implicit docker.io");
        assertNotNull(c.getImagePullPolicy(), what + ", " + c.getName() + ": imagePullPolicy explicit");
    }

    static void assertDigestPinned(String name, Map<String, Map<String, String>> images) {
        Map<String, String> image = images.get(name);
        assertTrue(image.getOrDefault("digest", "").matches("sha256:[0-9a-f]{64}"), name + " pinned by digest: " + image);
        assertNull(image.get("newTag"), name + ": a digest, not a tag that can move");
    }

    static void assertNoIgnoredExitCode(PodFailurePolicy policy) {
        for (PodFailurePolicyRule rule : policy.getRules()) {
            if (rule.getOnExitCodes() != null && rule.getAction().equals("Ignore")) {
                fail("Ignore on exit codes " + rule.getOnExitCodes().getValues()
                        + " retries without bound; Count them against the backoff limit");
            }
        }
    }

    /**
     * An Indexed Job as the Job controller keeps its books (Kubernetes docs, "Backoff limit per
     * index", "Pod failure policy"): a failed pod's exit code goes through the podFailurePolicy's
     * first matching rule; Count adds a failure to its index, which fails once its failures exceed
     * backoffLimitPerIndex; FailIndex fails it at once; FailJob fails the Job; once the failed
     * indexes exceed maxFailedIndexes the Job fails and every running pod is terminated.
     */
    static final class JobController {
        final Job job;
        final Map<Integer, Integer> failures = new java.util.HashMap<>();
        final Set<Integer> failedIndexes = new TreeSet<>();
        final Set<Integer> succeeded = new TreeSet<>();
        String failure;

        JobController(Job job) {
            this.job = job;
        }

        void podEnded(int index, int exitCode) {
            assertNull(failure, "the Job has ended");
            if (exitCode == 0) {
                succeeded.add(index);
                return;
            }
            switch (action(job.getSpec().getPodFailurePolicy(), exitCode)) {
                case "FailJob" -> failure = "PodFailurePolicy";
                case "FailIndex" -> failIndex(index);
                case "Ignore" -> {
                }
                default -> {
                    if (failures.merge(index, 1, Integer::sum) > job.getSpec().getBackoffLimitPerIndex()) {
                        failIndex(index);
                    }
                }
            }
        }

        private void failIndex(int index) {
            failedIndexes.add(index);
            Integer max = job.getSpec().getMaxFailedIndexes();
            if (max != null && failedIndexes.size() > max) {
                failure = "MaxFailedIndexesExceeded";
            }
        }

        /** Indexes still to run (or running): neither succeeded nor failed, while the Job lives. */
        Set<Integer> running() {
            Set<Integer> left = new TreeSet<>();
            for (int i = 0; failure == null && i < job.getSpec().getCompletions(); i++) {
                if (!succeeded.contains(i) && !failedIndexes.contains(i)) {
                    left.add(i);
                }
            }
            return left;
        }
    }

    /** What the Job controller does with a pod whose gradreg container exited {@code code}: the first matching rule. */
    static String action(PodFailurePolicy policy, int code) {
        for (PodFailurePolicyRule rule : policy.getRules()) {
            var on = rule.getOnExitCodes();
            if (on != null && (on.getContainerName() == null || on.getContainerName().equals("gradreg"))
                    && on.getValues().contains(code) == on.getOperator().equals("In")) {
                return rule.getAction();
            }
        }
        return "Count"; // no rule matches: counted against backoffLimit(PerIndex)
    }

    static String actionOnDisruption(PodFailurePolicy policy) {
        for (PodFailurePolicyRule rule : policy.getRules()) {
            if (rule.getOnPodConditions() != null && rule.getOnPodConditions().stream()
                    .anyMatch(c -> c.getType().equals("DisruptionTarget") && !"False".equals(c.getStatus()))) {
                return rule.getAction();
            }
        }
        return "Count";
    }

    /** Memory request = limit from the one measured peak, CPU = one per run trained at once: Guaranteed QoS. */
    static void assertSizedFromThePeak(Container c, int partitions) {
        var requests = c.getResources().getRequests();
        var limits = c.getResources().getLimits();
        assertEquals(0, BigDecimal.valueOf(partitions).compareTo(Quantity.getAmountInBytes(requests.get("cpu"))),
                "one CPU per run trained at once");
        assertEquals(requests, limits, "requests = limits: Guaranteed QoS, never evicted for memory pressure first");
        long expected = (long) Math.ceil(partitions * RUN_PEAK_MIB * HEADROOM / 128) * 128;
        assertEquals(expected, mib(limits.get("memory")), partitions + " run(s) at once x " + RUN_PEAK_MIB
                + " MiB measured x " + HEADROOM + ", in 128 MiB steps");
    }

    static void assertIngressOnlyFrom(String what, PodTemplateSpec target, List<Map<String, String>> allowed) {
        List<NetworkPolicy> policies = resources.values().stream().filter(r -> r instanceof NetworkPolicy)
                .map(r -> (NetworkPolicy) r)
                .filter(p -> matches(p.getSpec().getPodSelector().getMatchLabels(), target.getMetadata().getLabels()))
                .toList();
        assertEquals(1, policies.size(), what + ": one NetworkPolicy selects it");
        NetworkPolicy policy = policies.get(0);
        assertTrue(policy.getSpec().getPolicyTypes().contains("Ingress"));
        Set<Map<String, String>> admitted = new java.util.HashSet<>();
        for (var rule : policy.getSpec().getIngress()) {
            assertFalse(rule.getFrom() == null || rule.getFrom().isEmpty(), what + ": a rule without 'from' admits all");
            for (NetworkPolicyPeer peer : rule.getFrom()) {
                assertNull(peer.getIpBlock(), what + ": admitted by address");
                assertNotNull(peer.getPodSelector(), what + ": a whole namespace admitted");
                assertTrue(peer.getNamespaceSelector() == null || peer.getNamespaceSelector().getMatchLabels() != null
                        && !peer.getNamespaceSelector().getMatchLabels().isEmpty(),
                        what + ": namespaceSelector {} admits a pod with that label in any namespace");
                admitted.add(peer.getPodSelector().getMatchLabels());
            }
        }
        assertEquals(Set.copyOf(allowed), admitted, what + " admits");
    }

    @Test
    void suspendInTheBaseFails() throws IOException {
        String cron = Files.readString(K8S.resolve("cronjob-nightly.yaml"));
        CronJob suspended = parseOne(edit(cron, "  concurrencyPolicy: Forbid\n", "  concurrencyPolicy: Forbid\n  suspend: true\n"),
                CronJob.class);
        assertTrue(assertThrows(AssertionError.class, () -> assertLongLived(List.of(suspended))).getMessage()
                .contains("suspend in the base"));
        Job job = experiments.get("c4-train-size");
        assertThrows(AssertionError.class, () -> assertLongLived(List.of(job)), "a Job in the base");
        String c4 = Files.readString(EXPERIMENTS.resolve("c4-train-size/job.yaml"));
        Job generated = parseOne(edit(c4, "  name: gradreg-c4-train-size\n", "  generateName: gradreg-c4-train-size-\n"),
                Job.class);
        assertThrows(AssertionError.class, () -> assertCreatedNotApplied(generated));
        Job forever = parseOne(edit(c4, "  activeDeadlineSeconds: 86400\n", ""), Job.class);
        assertThrows(AssertionError.class, () -> assertCreatedNotApplied(forever));
    }

    @Test
    void aMissingSecurityContextFieldFails() throws IOException {
        String c4 = Files.readString(EXPERIMENTS.resolve("c4-train-size/job.yaml"));
        for (String field : List.of("allowPrivilegeEscalation: false", "readOnlyRootFilesystem: true", "runAsNonRoot: true",
                "type: RuntimeDefault", "automountServiceAccountToken: false", "drop: [\"ALL\"]")) {
            assertTrue(c4.contains(field), field);
            Job broken = parseOne(edit(c4, field, ""), Job.class);
            assertThrows(AssertionError.class, () -> assertRestricted("copy", broken.getSpec().getTemplate().getSpec()),
                    "without " + field);
        }
        String postgres = Files.readString(K8S.resolve("postgres.yaml"));
        StatefulSet noTmp = parseOne(edit(postgres, "mountPath: /tmp\n", "mountPath: /scratch\n"), StatefulSet.class);
        assertThrows(AssertionError.class, () -> assertWritable("copy", noTmp.getSpec().getTemplate().getSpec(), "/tmp"));
    }

    @Test
    void aPasswordInGitFails(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Secret secret = parseOne("apiVersion: v1\nkind: Secret\nmetadata: {name: gradreg-database}\n"
                + "stringData: {GRADREG_DB_PASSWORD: change-me}\n", Secret.class);
        assertThrows(AssertionError.class, () -> assertNoPasswordInGit(List.of(secret)));
        String c4 = Files.readString(EXPERIMENTS.resolve("c4-train-size/job.yaml"));
        Job literal = parseOne(edit(c4, "            - name: GRADREG_DB_PASSWORD\n              valueFrom:\n"
                + "                secretKeyRef:\n                  name: gradreg-database\n"
                + "                  key: GRADREG_DB_PASSWORD\n",
                "            - name: GRADREG_DB_PASSWORD\n              value: change-me\n"), Job.class);
        assertEquals("change-me", env(gradreg(literal.getSpec().getTemplate()), "GRADREG_DB_PASSWORD"));
        assertThrows(AssertionError.class, () -> assertNoPasswordInGit(List.of(literal)));
        Job envFrom = parseOne(edit(c4, "            - configMapRef:\n                name: gradreg-settings\n",
                "            - secretRef:\n                name: gradreg-database\n"), Job.class);
        assertThrows(AssertionError.class, () -> assertNoPasswordInGit(List.of(envFrom)));
        Path example = dir.resolve("database.env.example");
        Files.writeString(example, edit(Files.readString(K8S.resolve("database.env.example")), "GRADREG_DB_PASSWORD=",
                "GRADREG_DB_PASSWORD=change-me"));
        assertThrows(AssertionError.class, () -> assertNoPasswordIn(example));
    }

    @Test
    void anUnboundedEmptyDirAHeadlessnessLostOrAnyNamespaceAdmittedFails() throws IOException {
        String c4 = Files.readString(EXPERIMENTS.resolve("c4-train-size/job.yaml"));
        Job unbounded = parseOne(edit(c4, "          emptyDir:\n            sizeLimit: 512Mi\n", "          emptyDir: {}\n"), Job.class);
        assertThrows(AssertionError.class,
                () -> assertEphemeralStorageBounded("copy", unbounded.getSpec().getTemplate().getSpec()));
        Job small = parseOne(c4.replace("ephemeral-storage: 1Gi", "ephemeral-storage: 512Mi"), Job.class);
        assertThrows(AssertionError.class, () -> assertEphemeralStorageBounded("copy", small.getSpec().getTemplate().getSpec()));
        String policies = Files.readString(K8S.resolve("networkpolicies.yaml"));
        String anyNamespace = edit(policies, "        - namespaceSelector:\n            matchLabels:\n"
                + "              kubernetes.io/metadata.name: monitoring\n          podSelector:\n          ",
                "        - namespaceSelector: {}\n          podSelector:\n          ");
        NetworkPolicy open = (NetworkPolicy) parse(anyNamespace, "copy").get(1);
        Map<String, HasMetadata> saved = new LinkedHashMap<>(resources);
        try {
            resources.put("NetworkPolicy/gradreg-pushgateway", open);
            assertThrows(AssertionError.class, this::onlyGradregsPodsReachPostgresAndThePushgateway);
        } finally {
            resources.clear();
            resources.putAll(saved);
        }
    }

    @Test
    void aWrongExitCodeMappingFails() throws IOException {
        String c4 = Files.readString(EXPERIMENTS.resolve("c4-train-size/job.yaml"));
        // the old mapping: a diverged run retried like any failure
        Job retried = parseOne(edit(c4, "      - action: FailIndex\n        onExitCodes:\n          containerName: gradreg\n"
                + "          operator: In\n          values: [1]", "      - action: Count\n        onExitCodes:\n"
                + "          containerName: gradreg\n          operator: In\n          values: [1]"), Job.class);
        assertThrows(AssertionError.class, () -> assertExitCodesMapped(retried.getSpec().getPodFailurePolicy(), INDEXED));
        // a code gradreg never returns
        Job stale = parseOne(edit(c4, "values: [3, 4, 74, 75]", "values: [3, 5, 74, 75]"), Job.class);
        AssertionError e = assertThrows(AssertionError.class,
                () -> assertExitCodesMapped(stale.getSpec().getPodFailurePolicy(), INDEXED));
        assertTrue(e.getMessage().contains("[3, 5, 74, 75] that gradreg never returns"), e.getMessage());
        // the old mapping: the infrastructure code ignored, retried without bound
        Job ignored = parseOne(edit(c4, "      - action: Count\n", "      - action: Ignore\n"), Job.class);
        assertThrows(AssertionError.class, () -> assertNoIgnoredExitCode(ignored.getSpec().getPodFailurePolicy()));
        // the old behaviour: the shard exits 1 on a diverged run, and the fourth such shard ends the experiment
        JobController old = new JobController(experiments.get("c4-train-size"));
        for (int i = 0; i < 4; i++) {
            old.podEnded(i, ExitCode.RUN_FAILED.code());
        }
        assertEquals("MaxFailedIndexesExceeded", old.failure);
        Job evictionsCount = parseOne(edit(c4, "type: DisruptionTarget", "type: ConfigIssue"), Job.class);
        assertThrows(AssertionError.class,
                () -> assertExitCodesMapped(evictionsCount.getSpec().getPodFailurePolicy(), INDEXED));
        // the Job's whole pod template sized from another number
        Job small = parseOne(edit(c4, "memory: 896Mi", "memory: 1Gi"), Job.class);
        assertThrows(AssertionError.class, () -> assertSizedFromThePeak(gradreg(small.getSpec().getTemplate()), 1));
    }

    // ---- helpers ----

    static CronJob nightly() {
        return (CronJob) resources.get("CronJob/gradreg-nightly");
    }

    /** Pod templates of gradreg's own containers, by a name for messages. */
    static Map<String, PodTemplateSpec> gradregTemplates() {
        Map<String, PodTemplateSpec> t = new LinkedHashMap<>(trainingTemplates());
        t.put("gradreg report", experiments.get("report").getSpec().getTemplate());
        return t;
    }

    /** The templates that train: sized by partitions. */
    static Map<String, PodTemplateSpec> trainingTemplates() {
        Map<String, PodTemplateSpec> t = new LinkedHashMap<>();
        t.put("gradreg c4-train-size", experiments.get("c4-train-size").getSpec().getTemplate());
        t.put("gradreg nightly", nightly().getSpec().getJobTemplate().getSpec().getTemplate());
        return t;
    }

    static Map<String, PodTemplateSpec> allTemplates() {
        Map<String, PodTemplateSpec> t = new LinkedHashMap<>(gradregTemplates());
        t.put("postgres", ((StatefulSet) resources.get("StatefulSet/gradreg-postgres")).getSpec().getTemplate());
        t.put("pushgateway", ((Deployment) resources.get("Deployment/gradreg-pushgateway")).getSpec().getTemplate());
        return t;
    }

    static List<PodSpec> podSpecs(HasMetadata r) {
        if (r instanceof Job j) {
            return List.of(j.getSpec().getTemplate().getSpec());
        } else if (r instanceof CronJob c) {
            return List.of(c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec());
        } else if (r instanceof StatefulSet s) {
            return List.of(s.getSpec().getTemplate().getSpec());
        } else if (r instanceof Deployment d) {
            return List.of(d.getSpec().getTemplate().getSpec());
        }
        return List.of();
    }

    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    static Container gradreg(PodTemplateSpec template) {
        List<Container> containers = template.getSpec().getContainers();
        assertEquals(1, containers.size());
        Container c = containers.get(0);
        assertEquals("gradreg", c.getName());
        assertEquals("gradreg", c.getImage(), "the image name that deploy/k8s/images sets (registry, digest)");
        assertEquals("IfNotPresent", c.getImagePullPolicy(), "explicit; one digest, one build");
        assertTrue(c.getCommand() == null || c.getCommand().isEmpty(), "the image's entry point runs gradreg");
        return c;
    }

    static void assertExperimentIsTheJobsName(Container c) {
        EnvVar id = c.getEnv().stream().filter(e -> e.getName().equals("GRADREG_EXPERIMENT_ID")).findFirst().orElseThrow();
        assertEquals("metadata.labels['batch.kubernetes.io/job-name']", id.getValueFrom().getFieldRef().getFieldPath(),
                "every pod of one Job (retries too) works on one experiment, a new Job on a new one");
    }

    /** The container's arguments parsed by gradreg's own command classes, without running anything. */
    static ParseResult parseArgs(Container c) {
        return new CommandLine(new GradregCommand()).parseArgs(c.getArgs().toArray(String[]::new));
    }

    static ParseResult checkRun(Container c) {
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

    static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).filter(Objects::nonNull)
                .findFirst().orElseThrow(() -> new AssertionError(c.getName() + " sets no " + name));
    }

    static String secretKey(Container c, String name) {
        EnvVar e = c.getEnv().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " gets no " + name));
        assertEquals("gradreg-database", e.getValueFrom().getSecretKeyRef().getName());
        return e.getValueFrom().getSecretKeyRef().getKey();
    }

    /** gradreg.stop-seconds' default, read from the code that uses it. */
    static String stopSecondsDefault() {
        try {
            return GracefulStop.class.getDeclaredField("stopSeconds").getAnnotation(ConfigProperty.class).defaultValue();
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }

    static int git(String... args) {
        try {
            List<String> command = new ArrayList<>(List.of("git"));
            command.addAll(List.of(args));
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A broken copy: {@code text} with {@code from} (which must be there) replaced. */
    static String edit(String text, String from, String to) {
        assertTrue(text.contains(from), "the copy to break contains " + from);
        return text.replace(from, to);
    }

    static void fail(String message) {
        throw new AssertionError(message);
    }

    static long mib(Quantity q) {
        return Quantity.getAmountInBytes(q).longValueExact() / (1024 * 1024);
    }
}
