package io.lifeboat.cli;

import io.lifeboat.core.LifeboatVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line itself: help, usage errors and their exit code, the version, completion, store settings. */
class CommandLineTest {

    @TempDir
    Path folder;

    /** What one run printed and returned. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandHasHelpAndTheTopLevelListsThemWithTheExitCodes() {
        Run top = run("--help");
        assertEquals(0, top.code(), top.err());
        for (String command : new String[] {"drill", "bench", "list", "verify", "cat", "generate-completion"}) {
            assertTrue(top.out().contains("  " + command + " "), command + " in:\n" + top.out());
        }
        assertTrue(top.out().contains("2  usage error"), top.out());
        assertTrue(top.out().contains("3  the environment failed"), top.out());
        for (String command : new String[] {"drill", "list", "verify", "cat"}) {
            Run help = run(command, "--help");
            assertEquals(0, help.code(), command + ": " + help.err());
            assertTrue(help.out().startsWith("Usage: lifeboat " + command), help.out());
        }
        assertTrue(run("verify", "--help").out().contains("--store-config=FILE"));
    }

    @Test
    void aDrillOnAClusterNeedsBothAddressesAndTheEmbeddedOneTakesNoClusterOptions() {
        Run noBootstrap = run("drill", "--connect", "http://127.0.0.1:1");
        assertEquals(2, noBootstrap.code(), noBootstrap.out() + noBootstrap.err());
        assertTrue(noBootstrap.err().contains("--bootstrap"), noBootstrap.err());

        Run noConnect = run("drill", "--bootstrap", "127.0.0.1:1");
        assertEquals(2, noConnect.code(), noConnect.out() + noConnect.err());
        assertTrue(noConnect.err().contains("need --connect URL"), noConnect.err());

        Run badTimeout = run("drill", "--connect", "http://127.0.0.1:1", "--bootstrap", "127.0.0.1:1", "--timeout", "0");
        assertEquals(2, badTimeout.code(), badTimeout.out() + badTimeout.err());
        assertTrue(badTimeout.err().contains("--timeout must be positive"), badTimeout.err());

        Run status = run("status", "--connect", "http://127.0.0.1:1");
        assertEquals(2, status.code(), status.out() + status.err());
        assertTrue(status.err().contains("--bootstrap"), status.err());
    }

    @Test
    void usageErrorsExitTwoAndSayWhatIsWrong() {
        Run unknownOption = run("verify", "--root", folder.toString(), "--bogus");
        assertEquals(2, unknownOption.code());
        assertTrue(unknownOption.err().contains("Unknown option: '--bogus'"), unknownOption.err());

        Run unknownCommand = run("restore-everything");
        assertEquals(2, unknownCommand.code());
        assertTrue(unknownCommand.err().contains("restore-everything"), unknownCommand.err());

        Run noCommand = run();
        assertEquals(2, noCommand.code());
        assertTrue(noCommand.err().contains("name a command"), noCommand.err());

        Run noStore = run("list");
        assertEquals(2, noStore.code());
        assertTrue(noStore.err().contains("--root DIR, --s3-bucket BUCKET or --store-config FILE"), noStore.err());

        Run twoStores = run("list", "--root", folder.toString(), "--s3-bucket", "backups");
        assertEquals(2, twoStores.code());
        assertTrue(twoStores.err().contains("not both"), twoStores.err());

        Run noTopic = run("cat", "--root", folder.toString());
        assertEquals(2, noTopic.code());
        assertTrue(noTopic.err().contains("--topic"), noTopic.err());

        Run notANumber = run("cat", "--root", folder.toString(), "--topic", "t", "--limit", "ten");
        assertEquals(2, notANumber.code());
        assertTrue(notANumber.err().contains("--limit"), notANumber.err());

        Run bench = run("bench", "--records", "10");
        assertEquals(2, bench.code());
        assertTrue(bench.err().contains("./lifeboat launcher"), bench.err());
    }

    @Test
    void versionIsTheBuilds() {
        for (String[] argv : new String[][] {{"--version"}, {"verify", "--version"}}) {
            Run version = run(argv);
            assertEquals(0, version.code());
            assertEquals("lifeboat " + LifeboatVersion.get(), version.out().strip());
        }
    }

    @Test
    void completionScriptCoversTheCommands() {
        Run completion = run("generate-completion");
        assertEquals(0, completion.code(), completion.err());
        assertTrue(completion.out().startsWith("#!/usr/bin/env bash"), completion.out());
        assertTrue(completion.out().contains("verify") && completion.out().contains("--store-config"));
    }

    @Test
    void storeSettingsComeFromThePropertiesFileWithTheConnectorsKeysAndFlagsOverrideThem() throws IOException {
        Path fromFile = Files.createDirectories(folder.resolve("from-file"));
        Path fromFlag = Files.createDirectories(folder.resolve("from-flag"));
        Path config = folder.resolve("store.properties");
        Files.writeString(config, "storage.backend=filesystem\nfilesystem.root=" + fromFile + "\nstorage.prefix=nightly\n");

        Run listed = run("verify", "--store-config", config.toString());
        assertEquals(1, listed.code(), listed.err()); // an empty set is a problem for verify
        assertTrue(listed.out().contains("filesystem:" + fromFile + " prefix 'nightly/'"), listed.out());

        Run overridden = run("verify", "--store-config", config.toString(), "--root", fromFlag.toString());
        assertTrue(overridden.out().contains("filesystem:" + fromFlag + " prefix 'nightly/'"), overridden.out());
    }

    @Test
    void aBadStoreSettingNamesItsKeyAndNeverPrintsTheSecret() throws IOException {
        Path config = folder.resolve("s3.properties");
        Files.writeString(config, "storage.backend=s3\ns3.bucket.name=backups\ns3.path.style.access.enabled=maybe\n"
                + "aws.access.key.id=AKIDEXAMPLE\naws.secret.access.key=TOP-SECRET-VALUE\n");
        Run bad = run("list", "--store-config", config.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("s3.path.style.access.enabled"), bad.err());
        assertFalse((bad.out() + bad.err()).contains("TOP-SECRET-VALUE"), bad.err());

        Run missing = run("list", "--store-config", folder.resolve("absent.properties").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("absent.properties"), missing.err());
    }
}
