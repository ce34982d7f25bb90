package io.lifeboat.cli;

import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The command-line options that reach a Kafka cluster, a mixin of the commands that do: {@code --bootstrap}
 * and, as Kafka's own tools take them, {@code --command-config FILE} with the client's other settings
 * (security.protocol, sasl.*, ssl.*).
 */
public final class KafkaOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--bootstrap", paramLabel = "SERVERS",
            description = "the Kafka cluster the backups read (bootstrap.servers)")
    String bootstrap;

    @Option(names = {"--command-config", "--client-config"}, paramLabel = "FILE", description = "Kafka client "
            + "settings (security.protocol, sasl.*, ssl.*) in a properties file, as Kafka's own tools take them")
    Path commandConfig;

    private Map<String, String> settings;

    /** The client settings of {@code --command-config} (without bootstrap.servers), read once. */
    Map<String, String> clientSettings() {
        if (settings == null) {
            Map<String, String> read = new TreeMap<>();
            if (commandConfig != null) {
                Properties props = new Properties();
                try (Reader reader = Files.newBufferedReader(commandConfig)) {
                    props.load(reader);
                } catch (IOException e) {
                    throw new ParameterException(command.commandLine(), "cannot read --command-config "
                            + commandConfig + ": " + e);
                }
                props.stringPropertyNames().forEach(name -> read.put(name, props.getProperty(name).trim()));
                read.remove(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
            }
            settings = read;
        }
        return settings;
    }

    /** Admin client properties: the client settings, the bootstrap servers and timeouts fit for a command. */
    Properties adminProperties() {
        Properties props = new Properties();
        props.putAll(clientSettings());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        return props;
    }

    /** Kafka client settings for a consumer or producer: the client settings and the bootstrap servers. */
    Map<String, Object> clientConfig() {
        Map<String, Object> config = new TreeMap<>(clientSettings());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return config;
    }

    /** The bootstrap servers; a usage error when {@code --bootstrap} was not given. */
    String bootstrap() {
        if (bootstrap == null) {
            throw new ParameterException(command.commandLine(), "Missing required option: '--bootstrap=SERVERS'");
        }
        return bootstrap;
    }

    /** Whether any of these options was given. */
    boolean given() {
        return bootstrap != null || commandConfig != null;
    }
}
