package io.gradreg.batch;

import io.gradreg.plan.PlanSettings;
import io.gradreg.report.Claims;
import io.gradreg.report.ExpectedResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The reference files a job names ({@code expected}, {@code observed}, {@code claims}, by default
 * {@code <job file>.claims}): files in the job file's directory, nowhere else. A name that leaves
 * it (absolute, or through {@code ..}) is refused when a job is launched or imported, and ignored
 * when a stored job's report is built, so a job file or a runs file from someone else cannot make
 * gradreg read a local file of their choosing.
 */
public record ReferenceFiles(ExpectedResults expected, ExpectedResults observed, Claims claims) {

    static ReferenceFiles none() {
        return new ReferenceFiles(ExpectedResults.none(), ExpectedResults.none(), Claims.none());
    }

    /** Refuses a reference-file property that names a file outside the job file's directory. */
    public static void checkNames(PlanSettings settings) {
        name("expected", settings.expected());
        name("observed", settings.observed());
        name("claims", settings.claims());
    }

    /**
     * Reads and parses the reference files of the job at {@code jobSource} that exist: at launch,
     * before anything runs, so that a malformed one is an error then (file and line), not after
     * training.
     */
    static ReferenceFiles read(String jobSource, PlanSettings settings) {
        checkNames(settings);
        Path dir = Path.of(jobSource).toAbsolutePath().getParent();
        Path jobFile = Path.of(jobSource).getFileName();
        String claims = settings.claims() != null ? settings.claims()
                : jobFile == null ? null : jobFile.toString().replaceFirst("\\.xml$", "") + ".claims";
        return new ReferenceFiles(
                beside(dir, settings.expected()).map(ExpectedResults::read).orElse(ExpectedResults.none()),
                beside(dir, settings.observed()).map(ExpectedResults::read).orElse(ExpectedResults.none()),
                beside(dir, claims).map(Claims::read).orElse(Claims.none()));
    }

    /** Like {@link #read}, but a job stored with a name outside its directory gets no reference files. */
    static ReferenceFiles readStored(String jobSource, PlanSettings settings) {
        try {
            checkNames(settings);
        } catch (IllegalArgumentException e) {
            return none();
        }
        return read(jobSource, settings);
    }

    private static void name(String property, String name) {
        if (name == null || name.isBlank()) {
            return;
        }
        Path path = Path.of(name).normalize();
        if (path.isAbsolute() || path.startsWith("..") || path.toString().isEmpty()) {
            throw new IllegalArgumentException("job property '" + property + "' is '" + name + "': it must name a file "
                    + "in the job file's directory (a name like " + property + ".csv)");
        }
    }

    private static Optional<Path> beside(Path jobDir, String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        Path path = jobDir == null ? Path.of(name) : jobDir.resolve(name);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }
}
