package io.gradreg.results;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this gradreg and the commit it was built from ({@code gradreg-git.properties},
 * written by the build). Every trained run records {@link #describe()}, so that a result names
 * the code that produced it.
 */
public record BuildInfo(String version, String commit, boolean dirty) {

    private static final BuildInfo CURRENT = load();

    public static BuildInfo current() {
        return CURRENT;
    }

    /** "0.1.0-SNAPSHOT 1a2b3c4d…" (with " dirty" when built from uncommitted changes). */
    public String describe() {
        return version + " " + commit + (dirty ? " dirty" : "");
    }

    private static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getClassLoader().getResourceAsStream("gradreg-git.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = p.getProperty("git.build.version", "unknown");
        String commit = p.getProperty("git.commit.id", "");
        return new BuildInfo(version, commit.isBlank() ? "unknown" : commit, Boolean.parseBoolean(p.getProperty("git.dirty")));
    }
}
