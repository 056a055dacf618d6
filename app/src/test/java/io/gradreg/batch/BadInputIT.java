package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad input gets one line naming the problem, exit code 2, no stack trace, and no job
 * execution in the database.
 */
class BadInputIT {

    @TempDir
    Path dir;

    private void refused(Gradreg.Result r, String message) throws Exception {
        assertEquals(2, r.exit(), r.err());
        assertEquals("gradreg: " + message, r.errorLine());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    private void noExecution(Gradreg g) throws Exception {
        Gradreg.Result status = g.run("status");
        assertEquals(0, status.exit(), status.err());
        assertEquals(1, status.out().lines().count(), "only the header: " + status.out());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "regularizers|spectral|job property 'regularizers': unknown regularizer 'spectral'; known: cp, doubleback, frobreg, jacreg, none, spectreg",
        "architectures|resnet|job property 'architectures': unknown architecture 'resnet'; expected one of baseline, dropout, batchnorm",
        "weight.spectreg|-1|job property 'weight.spectreg': weight -1 must be zero or positive",
        "weight.spectreg|abc|job property 'weight.spectreg': weight 'abc' is not a number",
        "runs|0|job property 'runs' must be a positive integer, was '0'",
        "minibatches|abc|job property 'minibatches' must be a positive integer, was 'abc'",
        "batch-size|-5|job property 'batch-size' must be a positive integer, was '-5'",
        "learning-rate|0|job property 'learning-rate' must be a positive number, was '0'",
        "train-sizes|6000/class|job property 'train-sizes': 6000/class asks for more images per class than MNIST's smallest class has (5421)",
        "train-sizes|lots|job property 'train-sizes': training-set size 'lots' is not a number of images ('5000') or a number per class ('200/class')",
        "runz|1|unknown job property 'runz'; did you mean 'runs'? (the properties: docs/jobs.md, \"Job properties\")",
        "regularizers|none none|job property 'regularizers' lists 'none' twice",
        "experiment|../../esc|job property 'experiment' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (it names report directories), was '../../esc'",
        "runs|100000000|job property 'runs' must be at most 100000, was 100000000",
        "weight.spectrg|0.1|job property 'weight.spectrg' is the weight of no run of this job; did you mean 'weight.spectreg'? (regularizers: none spectreg doubleback; architectures: baseline)",
        "robustness|fgsm:25|job property 'robustness': 'fgsm' value 25 is outside [0, 1] (pixels are scaled to [0, 1], so a radius of 8/255 is 0.0314)",
        "robustness|fsgm:0.1|job property 'robustness': unknown item 'fsgm:0.1'; write e.g. 'fgsm:0.05,0.1 pgd:0.1 noise:0.3 gradnorm' (radii and deviations on the [0, 1] pixel scale) or 'none'",
        "regularizers|,|job property 'regularizers' is empty",
        "train-sizes|' '|job property 'train-sizes' is empty",
        "param.spectreg.projection|2|job property 'param.spectreg.projection': regularizer 'spectreg' has no parameter 'projection'; it takes no parameters",
        "param.spectrg.x|2|job property 'param.spectrg.x' sets a parameter of regularizer 'spectrg', which this job does not train; did you mean 'param.spectreg.x'? (regularizers: none spectreg doubleback)",
        "gradreg.plan|x|job parameter 'gradreg.plan' is reserved: gradreg sets the gradreg.* parameters itself (use --shard and --experiment-id)"
    })
    void badParameterIsRefusedBeforeAnythingRuns(String key, String value, String message) throws Exception {
        Gradreg g = new Gradreg(dir, Map.of());
        refused(g.run("run", "quickstart", "-p", key + "=" + value), message);
        noExecution(g);
    }

    @Test
    void aDryRunChecksAndPrintsThePlanAndStartsNothing() throws Exception {
        Gradreg g = new Gradreg(dir, Map.of());
        Gradreg.Result r = g.run("run", "quickstart", "--dry-run", "-p", "weight.spectreg=0.003");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("baseline/spectreg/50/class"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("baseline/spectreg/50/class") && l.contains(" 0.003 ")),
                r.out());
        assertTrue(r.out().contains("Nothing was started."), r.out());
        noExecution(g);
        refused(g.run("run", "quickstart", "--dry-run", "-p", "runz=1"),
                "unknown job property 'runz'; did you mean 'runs'? (the properties: docs/jobs.md, \"Job properties\")");
    }

    @Test
    void unknownJobListsTheKnownOnes() throws Exception {
        Gradreg g = new Gradreg(dir, Map.of());
        Gradreg.Result r = g.run("run", "nope");
        assertEquals(2, r.exit());
        assertTrue(r.errorLine().startsWith("gradreg: no job 'nope': not a file, and not one of the jobs in "), r.err());
        assertTrue(r.errorLine().endsWith("(ablation-batchnorm, c2-dropout-batchnorm, c4-spectreg-sweep, c4-train-size, "
                + "c6-jacobian-norms, c6-weight-sweep, quickstart, sweep-quickstart)"), r.err());
    }

    @Test
    void malformedXmlNamesFileAndLine() throws Exception {
        Path job = dir.resolve("broken.xml");
        Files.writeString(job, "<?xml version=\"1.0\"?>\n<job id=\"broken\">\n  <properties>\n</job>\n");
        Gradreg g = new Gradreg(dir, Map.of());
        Gradreg.Result r = g.run("run", job.toString());
        assertEquals(2, r.exit());
        assertTrue(r.errorLine().startsWith("gradreg: " + job + ":4: malformed XML: "), r.err());
        noExecution(g);
    }

    @Test
    void externalEntitiesAreNeverResolved() throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "top secret");
        Path job = dir.resolve("xxe.xml");
        Files.writeString(job, "<?xml version=\"1.0\"?>\n<!DOCTYPE job [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<job id=\"xxe\" xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"2.0\"><properties>"
                + "<property name=\"experiment\" value=\"&x;\"/></properties></job>\n");
        Gradreg g = new Gradreg(dir, Map.of());
        Gradreg.Result r = g.run("run", job.toString());
        assertEquals(2, r.exit());
        assertTrue(r.errorLine().contains(job + ":2: malformed XML: "), r.err());
        assertTrue(r.errorLine().contains("DOCTYPE"), r.err());
        assertFalse(r.err().contains("top secret"));
    }

    @Test
    void missingDataFilesAreNamed() throws Exception {
        Gradreg g = new Gradreg(dir, Map.of("GRADREG_DATA_DIR", dir.resolve("empty").toString()));
        Gradreg.Result r = g.run("run", "quickstart");
        assertEquals(2, r.exit());
        assertTrue(r.errorLine().startsWith("gradreg: MNIST file missing: expected " + dir.resolve("empty")
                .resolve("train-images-idx3-ubyte.gz")), r.err());
    }

    @Test
    void unreachableDatabaseIsNamedWithoutItsPassword() throws Exception {
        Gradreg g = new Gradreg(dir, Map.of("GRADREG_DB_URL", "jdbc:postgresql://127.0.0.1:9/gradreg",
                "GRADREG_DB_USER", "gradreg", "GRADREG_DB_PASSWORD", "hunter2"));
        Gradreg.Result r = g.run("run", "quickstart");
        assertEquals(75, r.exit(), "an unreachable database is an infrastructure fault, retried later: " + r.err());
        assertTrue(r.errorLine().startsWith("gradreg: cannot connect to the database jdbc:postgresql://127.0.0.1:9/gradreg: "),
                r.err());
        assertFalse(r.err().contains("hunter2"), r.err());
        assertFalse(r.out().contains("hunter2"), r.out());
    }

    @Test
    void aPasswordInTheUrlNeverShows() throws Exception {
        Gradreg g = new Gradreg(dir, Map.of("GRADREG_DB_URL",
                "jdbc:postgresql://gradreg:planted-s3cret@127.0.0.1:9/gradreg?password=planted-s3cret",
                "GRADREG_METRICS_PUSHGATEWAY_URL", "http://user:planted-s3cret@127.0.0.1:9/"));
        Gradreg.Result r = g.run("run", "quickstart");
        assertEquals(75, r.exit(), r.err());
        assertFalse(r.err().contains("planted-s3cret"), r.err());
        assertFalse(r.out().contains("planted-s3cret"), r.out());
    }

    @Test
    void aBadPushgatewayUrlIsRefusedBeforeTheJobStarts() throws Exception {
        Gradreg g = new Gradreg(dir, Map.of("GRADREG_METRICS_PUSHGATEWAY_URL", "pushgateway:9091"));
        refused(g.run("run", "quickstart"), "gradreg.metrics.pushgateway-url (GRADREG_METRICS_PUSHGATEWAY_URL) must be "
                + "an http(s) URL such as http://localhost:9091, was 'pushgateway:9091'");
        noExecution(g);
    }
}
