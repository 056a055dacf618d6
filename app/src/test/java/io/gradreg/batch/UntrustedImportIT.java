package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static io.gradreg.batch.Gradreg.concat;
import static io.gradreg.batch.Gradreg.ok;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradreg.plan.Sharding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runs file comes from outside: what it says is checked before anything is written, and a
 * refused file leaves the store as it was (exit 2, one line).
 */
class UntrustedImportIT {

    private static final String[] JOB = {"run", "quickstart", "-p", "minibatches=20", "-p", "train-sizes=10/class",
        "-p", "partitions=1", "--experiment-id", "travel", "--shard", "0/1"};
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void whatARunsFileSaysIsCheckedAndARefusalWritesNothing(@TempDir Path dir) throws Exception {
        Gradreg mine = store(dir, "mine");
        Gradreg theirs = store(dir, "theirs");
        ok(mine.run(concat(JOB, "-p", "runs=1")));
        // another job under the same id: runs=2 plans the same run #0 with the same configuration
        ok(theirs.run(concat(JOB, "-p", "runs=2")));
        Path runs = dir.resolve("theirs.runs.json");
        ok(theirs.run("export", "--experiment", "travel", "-o", runs.toString()));
        String before = ok(mine.run("status")).out();

        Gradreg.Result otherJob = mine.run("import", runs.toString());
        refused(otherJob, "gradreg: " + runs + ": experiment 'travel' in ");
        assertTrue(otherJob.errorLine().contains("was planned by another job file or other parameters; nothing was "
                + "imported"), otherJob.errorLine());

        ObjectNode file = (ObjectNode) JSON.readTree(runs.toFile());
        file.put("experimentId", "../../escape");
        Path escape = write(dir, "escape", file);
        refused(mine.run("import", escape.toString()), "gradreg: " + escape + ": its experiment id '../../escape' is "
                + "not one: letters, digits, '.', '_' and '-', at most 64, as for -p experiment");

        // a reference table anywhere on this machine, with a fingerprint that matches (not tampering: a job as written)
        file = (ObjectNode) JSON.readTree(runs.toFile());
        ObjectNode job = (ObjectNode) file.get("job");
        ((ObjectNode) job.get("parameters")).put("expected", "/etc/passwd");
        Properties parameters = new Properties();
        job.get("parameters").fields().forEachRemaining(e -> parameters.setProperty(e.getKey(), e.getValue().asText()));
        job.put("fingerprint", Sharding.fingerprint(job.get("xml").asText(), parameters));
        file.put("experimentId", "elsewhere");
        Path reference = write(dir, "reference", file);
        refused(mine.run("import", reference.toString()), "gradreg: " + reference + ": its job cannot be planned by "
                + "this gradreg: job property 'expected' is '/etc/passwd': it must name a file in the job file's directory");

        file = (ObjectNode) JSON.readTree(runs.toFile());
        file.remove("exportedBy");
        Path missing = write(dir, "missing", file);
        refused(mine.run("import", missing.toString()), "gradreg: " + missing + ": field \"exportedBy\" is missing");

        assertEquals(before, ok(mine.run("status")).out(), "no experiment, job instance or run written");
    }

    private static void refused(Gradreg.Result r, String line) {
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.errorLine().startsWith(line), r.errorLine());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    private static Path write(Path dir, String name, ObjectNode file) throws Exception {
        Path path = dir.resolve(name + ".runs.json");
        JSON.writeValue(path.toFile(), file);
        return path;
    }

    private static Gradreg store(Path dir, String name) throws Exception {
        return new Gradreg(Files.createDirectories(dir.resolve(name)), Map.of());
    }
}
