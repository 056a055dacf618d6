package io.gradreg.batch;

import io.quarkiverse.jberet.runtime.JobRepositorySupplier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.jberet.repository.JdbcRepository;
import org.jberet.repository.JobRepository;

/**
 * JBeret's JDBC job repository on gradreg's database (selected by
 * {@code quarkus.jberet.repository.type=gradreg}). Quarkus fixes a datasource's database kind at
 * build time; this repository takes its URL at run time, so one build serves H2 and PostgreSQL.
 *
 * <p>quarkus-jberet asks for the repository while the application starts, before a command has
 * checked its input; the repository connects on first use instead, so that a command that needs
 * no database (or finds it unreachable) can say so in its own words.
 */
@ApplicationScoped
public class GradregJobRepository implements JobRepositorySupplier {

    @Inject
    Workspace workspace;

    private JobRepository delegate;

    @Override
    public String getName() {
        return "gradreg";
    }

    @Override
    public JobRepository get() {
        return (JobRepository) Proxy.newProxyInstance(JobRepository.class.getClassLoader(),
                new Class<?>[] {JobRepository.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "lazy JDBC job repository";
                        };
                    }
                    if (method.getName().equals("getJobNames") && args == null && !started()) {
                        // quarkus-jberet's scheduler asks at start-up; no job is defined in this process yet
                        return java.util.Set.of();
                    }
                    try {
                        return method.invoke(delegate(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private synchronized boolean started() {
        return delegate != null;
    }

    private synchronized JobRepository delegate() {
        if (delegate == null) {
            // JBeret creates its tables when it finds none: one process at a time (shards start together)
            delegate = workspace.database().withSchemaLock(() -> new JdbcRepository(workspace.database()));
        }
        return delegate;
    }
}
