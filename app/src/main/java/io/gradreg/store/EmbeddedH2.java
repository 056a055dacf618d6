package io.gradreg.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The embedded H2 database of a working directory, private to its user whatever the directory's
 * mode (a directory made with {@code mkdir} is 0755).
 *
 * <p>Its auto-server lets other local gradreg processes in ({@code gradreg status} while a job
 * runs, two jobs on one store), and its lock file, which names the server's port and key, has
 * to be readable by them. So the key is not the lock: the database has a password, 32 random
 * bytes made on first use and kept in {@value #PASSWORD_FILE} beside it, readable by its owner
 * only. H2 creates its files with the process's umask (0644 usually), so the database file is
 * created 0600 before H2 opens it (an empty file is a new database to H2) and the files H2 makes
 * itself are restricted after every connection that may have made them.
 */
final class EmbeddedH2 {

    /** The file holding the database password, beside the database. */
    static final String PASSWORD_FILE = "db-password";

    /** The database's files (H2 names them after the URL's {@code gradreg}). */
    private static final List<String> FILES = List.of("gradreg.mv.db", "gradreg.lock.db", "gradreg.trace.db");

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path dir;
    private final boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    EmbeddedH2(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * The database password: read from {@value #PASSWORD_FILE}, or made and written there (owner
     * only) if there is none. One that other users can read is refused: they may know it.
     */
    String password() {
        Path file = dir.resolve(PASSWORD_FILE);
        try {
            if (!Files.exists(file)) {
                create(file, HexFormat.of().formatHex(random()));
            }
            if (posix && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file))) {
                throw new StoreException(file + " (the database password) is readable by other users, who could open "
                        + "the database with it: chmod 600 " + file);
            }
            String password = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!password.matches("[0-9a-f]{64}")) {
                throw new StoreException(file + " does not hold a gradreg database password (64 hexadecimal digits); "
                        + "restore it, or delete it with the database's files to start an empty store");
            }
            return password;
        } catch (IOException e) {
            throw new StoreException("cannot read or create the database password " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /**
     * Writes {@code text} to {@code file} owner-only, whole or not at all: a process that starts at
     * the same moment either finds no file or the complete one (the link is atomic, and refused if
     * the other process was first).
     */
    private void create(Path file, String text) throws IOException {
        Path tmp = dir.resolve("." + PASSWORD_FILE + "." + UUID.randomUUID());
        try {
            Files.writeString(Files.createFile(tmp, ownerOnly()), text + "\n", StandardCharsets.US_ASCII);
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
            // another process made it first: use theirs
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates the database file owner-only if there is none yet, before H2 creates it with the umask. */
    void createDatabaseFile() {
        try {
            Files.createFile(dir.resolve(FILES.get(0)), ownerOnly());
        } catch (FileAlreadyExistsException e) {
            // an existing database, restricted by restrict()
        } catch (IOException e) {
            throw new StoreException("cannot create the database file in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Makes the database's files readable and writable by their owner only, as far as they exist. */
    void restrict() {
        if (!posix) {
            return;
        }
        for (String name : FILES) {
            Path file = dir.resolve(name);
            try {
                if (!OWNER_ONLY.equals(Files.getPosixFilePermissions(file))) {
                    Files.setPosixFilePermissions(file, OWNER_ONLY);
                }
            } catch (NoSuchFileException e) {
                // not made (yet): no trace file without errors, no lock file once closed
            } catch (IOException e) {
                throw new StoreException("cannot make " + file + " private to its owner (chmod 600): " + e.getMessage(), e);
            }
        }
    }

    private FileAttribute<?>[] ownerOnly() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
    }
}
