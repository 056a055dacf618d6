package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An author's whole path with the scaffold: `gradreg new-plugin` writes a project, Maven builds it
 * offline (its kit tests included) against what the reactor build installed, the jar goes into the
 * default plugin directory, `gradreg regularizers` lists it, and the job file it ships trains it.
 */
class NewPluginIT {

    @TempDir
    Path dir;

    @Test
    void aScaffoldedPluginBuildsListsAndTrainsWithItsJobFile() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Gradreg g = new Gradreg(work, Map.of());
        Path project = dir.resolve("gradl2");

        Gradreg.Result created = g.run("new-plugin", "gradl2", "--directory", project.toString());
        assertEquals(0, created.exit(), created.err());
        assertTrue(created.out().startsWith("wrote plugin 'gradl2' (org.example.gradl2.Gradl2) into " + project + ":\n"),
                created.out());

        Path jar = PluginBuild.mvnPackage(project, "gradreg-gradl2-1.0.0.jar");
        assertTrue(Files.isRegularFile(project.resolve("target/surefire-reports/TEST-org.example.gradl2.Gradl2Test.xml")),
                "the generated kit tests did not run");

        Files.createDirectories(work.resolve("plugins"));
        Files.copy(jar, work.resolve("plugins").resolve(jar.getFileName()));
        Gradreg.Result list = g.run("regularizers");
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("gradl2 +gradreg-gradl2-1\\.0\\.0\\.jar +L2 norm of the "
                + "cross-entropy's gradient w\\.r\\.t\\. the input, smoothed at 0")), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.matches(" +parameter smoothing=0\\.001: .*")), list.out());

        Gradreg.Result refused = g.run("run", project.resolve("gradl2-quickstart.xml").toString(), "-p",
                "param.gradl2.smoothing=0");
        assertEquals(2, refused.exit(), refused.err());
        assertEquals("gradreg: job properties 'param.gradl2.*': parameter 'smoothing' of regularizer 'gradl2' must be "
                + "a positive number, was '0'", refused.errorLine());

        Gradreg.Result run = g.run("run", project.resolve("gradl2-quickstart.xml").toString(), "-p", "runs=1",
                "-p", "minibatches=30");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("| architecture | train size | none | gradl2 |"), run.out());
        Gradreg.Result status = g.run("status", "1");
        assertTrue(status.out().lines().anyMatch(l -> l.startsWith("baseline/gradl2/50/class#0 ") && l.contains(" EVALUATED ")),
                status.out());

        // the scaffold's sweep job chooses the weight on validation images (here at a tenth of its minibatches)
        Gradreg.Result sweep = g.run("run", project.resolve("gradl2-sweep.xml").toString(), "-p", "minibatches=60",
                "-p", "runs=2", "-p", "sweep.weight.gradl2=0.01 1");
        assertEquals(0, sweep.exit(), sweep.err());
        assertTrue(sweep.out().contains("## Weight sweep"), sweep.out());
        assertTrue(sweep.out().lines().anyMatch(l -> l.matches("### baseline/gradl2/50/class: selected (0\\.01|1) .*")),
                sweep.out());
    }
}
