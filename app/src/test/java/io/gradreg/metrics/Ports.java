package io.gradreg.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free loopback ports for tests that start servers. */
public final class Ports {

    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {
    }

    /** A base port such that it and the next {@code n - 1} ports are free now. */
    public static int freeRange(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
                base = s.getLocalPort();
            }
            if (base + n <= 65535 && rangeFree(base, n)) {
                return base;
            }
        }
        throw new IOException("no free range of " + n + " ports");
    }

    /** Listens on {@code n} ports from {@code base}, as other processes would; close them to free them. */
    public static List<ServerSocket> hold(int base, int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int p = base; p < base + n; p++) {
                held.add(new ServerSocket(p, 1, InetAddress.getByName(LOOPBACK)));
            }
            return held;
        } catch (IOException e) {
            release(held);
            throw e;
        }
    }

    public static void release(List<ServerSocket> sockets) {
        for (ServerSocket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // a test socket
            }
        }
    }

    private static boolean rangeFree(int base, int n) {
        try {
            release(hold(base, n));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
