package io.lifeboat.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A second JVM for {@link WorkDirectoryTest}, started with the test's class path. Commands:
 * <ul>
 *   <li>{@code hold PARENT PREFIX}: creates a work folder, prints {@code HELD <path>}, keeps it until
 *       standard input ends, then closes it and prints {@code CLOSED};</li>
 *   <li>{@code start PARENT PREFIX}: creates a work folder (which removes abandoned ones) and closes
 *       it, then prints {@code DONE};</li>
 *   <li>{@code probe LOCKFILE}: prints {@code LOCKED} when another process holds the file's lock,
 *       {@code FREE} when it could be taken.</li>
 * </ul>
 */
public final class WorkFolderProcess {

    private WorkFolderProcess() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "hold" -> {
                try (WorkDirectory dir = WorkDirectory.create(Path.of(args[1]), args[2])) {
                    System.out.println("HELD " + dir.path());
                    System.out.flush();
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                    while (in.readLine() != null) {
                        // wait for the test to close standard input
                    }
                }
                System.out.println("CLOSED");
            }
            case "start" -> {
                WorkDirectory.create(Path.of(args[1]), args[2]).close();
                System.out.println("DONE");
            }
            case "probe" -> {
                try (FileChannel channel = FileChannel.open(Path.of(args[1]), StandardOpenOption.WRITE)) {
                    FileLock lock = channel.tryLock();
                    System.out.println(lock == null ? "LOCKED" : "FREE");
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.flush();
    }
}
