// Java callers start SessionKit without Kotlin's Companion or file-class names (X1).
package dev.sessionkit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.file.Files;
import org.junit.Test;

public final class JavaCallersTest {
    @Test
    public void java_callers_initialise_and_start_with_static_calls() throws Exception {
        android.content.Context context =
            new android.content.Context(Files.createTempDirectory("sessionkit-java").toFile());
        SessionKitClient.initialize(context);
        SessionKitConfig config = new SessionKitConfig("public-token-test-java");
        try (SessionKitClient client = SessionKitClient.start(config, SessionStorage.memory())) {
            assertNull(client.getSync());
        }
        try (SessionKitClient client = SessionKitClient.start(config)) {
            assertEquals(null, client.getTokens());
        }
    }
}
