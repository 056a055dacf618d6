package io.gradreg.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The version of this SPI a {@link RegularizerProvider} was compiled against. Every provider,
 * built in or plugin, carries it, written exactly so:
 * <pre>
 *   &#64;SpiVersion(SpiVersion.CURRENT)
 *   public final class MyPenalty implements RegularizerProvider { ... }
 * </pre>
 * {@link #CURRENT} is a compile-time constant, so the compiler copies its value into the plugin's
 * class file: at run time gradreg reads the version the plugin was <em>built</em> for, not its own.
 *
 * <h2>Compatibility</h2>
 * Versions are {@code MAJOR.MINOR}. A gradreg whose SPI is M.m loads providers built for M.0 up to
 * M.m: a minor version only adds (new default methods, new helpers), a major version changes or
 * removes something. gradreg refuses a provider without this annotation, or built for another
 * major version or a newer minor version, naming the jar and what to rebuild against.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface SpiVersion {

    /** The SPI version of this jar. */
    String CURRENT = "1.3";

    /** The SPI version the provider was compiled against: always {@link #CURRENT}. */
    String value();
}
