package org.example;

/** A provider without {@code @SpiVersion}, for the test kit's message (PluginMessagesTest). */
public final class NoVersion extends NotListed {
}
