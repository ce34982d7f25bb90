package io.lifeboat.it;

import io.lifeboat.cli.ConnectorProgress;
import io.lifeboat.cli.RestoreWatch;
import io.lifeboat.harness.EmbeddedKafkaConnect;
import io.lifeboat.harness.KafkaTopics;
import io.lifeboat.harness.PluginPath;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;

/**
 * One {@link EmbeddedKafkaConnect} (broker + worker with the built plugins) for all tests of a class:
 * started before the class's {@code @BeforeAll} methods, stopped after its {@code @AfterAll} methods.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();
 * </pre>
 */
public final class EmbeddedConnectExtension implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, String> extraWorkerProps;
    private EmbeddedKafkaConnect connect;
    private ConnectorProgress progress;
    private RestoreWatch restores;

    public EmbeddedConnectExtension() {
        this(Map.of());
    }

    /** A cluster whose worker also has {@code extraWorkerProps}. */
    public EmbeddedConnectExtension(Map<String, String> extraWorkerProps) {
        this.extraWorkerProps = Map.copyOf(extraWorkerProps);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        connect = EmbeddedKafkaConnect.start(PluginPath.locate(), extraWorkerProps);
        progress = new ConnectorProgress(connect);
        restores = new RestoreWatch(connect);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (connect != null) {
            connect.close();
            connect = null;
        }
    }

    public EmbeddedKafkaConnect connect() {
        if (connect == null) {
            throw new IllegalStateException("the embedded cluster is not running (register the extension on a static field)");
        }
        return connect;
    }

    public String bootstrapServers() {
        return connect().bootstrapServers();
    }

    public ConnectorProgress progress() {
        return progress;
    }

    public RestoreWatch restores() {
        return restores;
    }

    public KafkaTopics topics() {
        return new KafkaTopics(connect().admin());
    }

    /** Creates (or replaces the config of) a connector through the REST API. */
    public void configure(Map<String, String> config) {
        connect().cluster().configureConnector(config.get("name"), config);
    }
}
