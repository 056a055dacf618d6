package io.gradreg.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few JDBC shapes the store's tables need, each with its connection handling, and failures
 * turned into a {@link StoreException} that names the operation ("record the end of run …") and
 * the database (without credentials). Written by hand rather than with a mapping library: the
 * tables are few and flat, and the store needs exact control of transactions (claims are fenced
 * in the same transaction as every write).
 */
final class Jdbc {

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    interface Work {
        void run(Connection c) throws SQLException;
    }

    /** Unique violation: the row is already recorded. */
    private static final String DUPLICATE_KEY = "23505";

    private final Database database;

    /** The connection of the transaction this thread is in ({@link #transaction}), if any. */
    private final ThreadLocal<Connection> current = new ThreadLocal<>();

    Jdbc(Database database) {
        this.database = database;
    }

    Database database() {
        return database;
    }

    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws SQLException;
    }

    /**
     * Runs one attempt of an operation, again while the database is unreachable (a server restart,
     * a network blip), with backoff, for up to the database's outage time. Every operation here is
     * safe to repeat: inserts keep the first record, updates set values (conditions make repeated
     * state changes no-ops), transactions are rolled back whole when their connection breaks.
     * Connecting is part of the attempt ({@link Database#connect()} does not wait itself), so an
     * outage is waited out once, not once per layer.
     */
    private <T> T retrying(String operation, Attempt<T> attempt) {
        if (current.get() != null) {
            try {
                return attempt.run();
            } catch (SQLException e) {
                throw new InTransaction(operation, e); // the whole transaction is repeated, or fails
            }
        }
        long firstFailure = 0;
        for (int i = 0; ; i++) {
            try {
                return attempt.run();
            } catch (SQLException e) {
                if (!StoreException.isUnavailable(e)) {
                    throw fail(operation, e);
                }
                firstFailure = firstFailure == 0 ? System.currentTimeMillis() : firstFailure;
                if (!database.backOff(firstFailure, i, e)) {
                    throw fail(operation, e);
                }
            }
        }
    }

    /** Inserts one row; false (and nothing written) if its key was already recorded: the first record is kept. */
    boolean insertIfAbsent(String operation, String sql, Binder binder) {
        return retrying(operation, () -> {
            try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
                // in a transaction, a refused insert must not abort it (PostgreSQL would): a savepoint
                var savepoint = current.get() != null ? c.setSavepoint() : null;
                binder.bind(ps);
                try {
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (savepoint != null) {
                        c.rollback(savepoint);
                    }
                    throw e;
                }
                return true;
            } catch (SQLException e) {
                if (DUPLICATE_KEY.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Runs one update or delete; returns the rows it changed. */
    int update(String operation, String sql, Binder binder) {
        return retrying(operation, () -> {
            try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                return ps.executeUpdate();
            }
        });
    }

    /** Runs {@code work} in one transaction: all of it is written, or (on any exception) none. */
    void inTransaction(String operation, Work work) {
        Connection joined = current.get();
        if (joined != null) {
            retrying(operation, () -> {
                work.run(joined);
                return null;
            });
            return;
        }
        retrying(operation, () -> {
            try (Connection c = database.connect()) {
                c.setAutoCommit(false);
                try {
                    work.run(c);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    try {
                        c.rollback();
                    } catch (SQLException broken) {
                        // the connection is gone: the database rolls the transaction back itself
                    }
                    throw e;
                }
            }
            return null;
        });
    }

    <T> Optional<T> queryOne(String operation, String sql, Binder binder, Mapper<T> mapper) {
        List<T> rows = query(operation, sql, binder, mapper);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    <T> List<T> query(String operation, String sql, Binder binder, Mapper<T> mapper) {
        return retrying(operation, () -> {
            try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                List<T> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(mapper.map(rs));
                    }
                }
                return rows;
            }
        });
    }

    /**
     * Runs {@code work} so that every store operation it makes on this thread joins one
     * transaction: all of it is written, or (on any exception) none. An outage repeats the whole.
     */
    void transaction(String operation, Runnable work) {
        if (current.get() != null) {
            work.run();
            return;
        }
        retrying(operation, () -> {
            try (Connection c = database.connect()) {
                c.setAutoCommit(false);
                current.set(c);
                try {
                    work.run();
                    c.commit();
                } catch (InTransaction e) {
                    rollback(c);
                    throw e.getCause();
                } catch (RuntimeException e) {
                    rollback(c);
                    throw e;
                } finally {
                    current.remove();
                }
            }
            return null;
        });
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException broken) {
            // the connection is gone: the database rolls the transaction back itself
        }
    }

    /** A statement's failure inside {@link #transaction}, carried out of it to be retried or reported whole. */
    private final class InTransaction extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InTransaction(String operation, SQLException cause) {
            super(fail(operation, cause).getMessage(), cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    /** The transaction's connection, which closing leaves open, or a new one. */
    private Connection connection() throws SQLException {
        Connection c = current.get();
        if (c == null) {
            return database.connect();
        }
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    StoreException fail(String operation, SQLException e) {
        return new StoreException("cannot " + operation + " in " + database.describe() + ": "
                + database.scrub(e.getMessage()), e);
    }

    static Timestamp now() {
        return Timestamp.from(Instant.now());
    }

    static void setNullable(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }

    static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
