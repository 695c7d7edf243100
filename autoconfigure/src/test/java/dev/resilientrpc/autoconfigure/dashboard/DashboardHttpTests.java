package dev.resilientrpc.autoconfigure.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.checkpoint.CheckpointedMap;
import dev.resilientrpc.it.TestPorts;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard over HTTP on a real node: its page, its assets, the endpoint's JSON it
 * reads, and nothing else.
 */
class DashboardHttpTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static ConfigurableApplicationContext node;

	private static String base;

	@BeforeAll
	static void start() {
		node = new SpringApplicationBuilder(NodeApplication.class).properties("server.port=0",
				"spring.main.banner-mode=off",
				"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"resilient-rpc.client.services.kv.instances=http://127.0.0.1:8081,http://127.0.0.1:8082",
				"management.endpoints.web.exposure.include=resilientrpc", "resilient-rpc.dashboard.enabled=true",
				"resilient-rpc.dashboard.refresh=250ms")
			.run();
		base = "http://127.0.0.1:" + TestPorts.portOf(node) + "/resilient-rpc";
	}

	@AfterAll
	static void stop() {
		node.close();
	}

	@Test
	void thePathWithoutItsSlashIsRedirectedToThePage() throws Exception {
		HttpResponse<String> response = get(base);
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).endsWith("/resilient-rpc/"));
	}

	@Test
	void thePageLoadsItsAssetsFromTheNodeOnlyAndKnowsTheRefresh() throws Exception {
		HttpResponse<String> page = get(base + "/");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
		assertThat(page.headers().firstValue("Content-Security-Policy"))
			.hasValueSatisfying((policy) -> assertThat(policy).contains("default-src 'self'"));
		assertThat(page.body())
			.contains("data-refresh-millis=\"250\"", "src=\"dashboard.js\"", "href=\"dashboard.css\"")
			.doesNotContain("@refreshMillis@", "http://", "https://");
		HttpResponse<String> script = get(base + "/dashboard.js");
		assertThat(script.statusCode()).isEqualTo(200);
		assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript;charset=UTF-8");
		assertThat(script.body()).contains("fetch('state'").doesNotContain("innerHTML");
		assertThat(get(base + "/dashboard.css").statusCode()).isEqualTo(200);
	}

	@Test
	void theStateIsTheEndpointsJson() throws Exception {
		HttpResponse<String> response = get(base + "/state");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
		JsonNode state = JsonMapper.builder().build().readTree(response.body());
		assertThat(state.propertyNames()).contains("loadBalancer", "retryBudgets", "checkpoints", "counters");
		assertThat(state.path("loadBalancer").path("kv").path("instances")).hasSize(2);
		assertThat(state.path("checkpoints").path("state").path("name").asString()).isEqualTo("state");
		assertThat(state.path("counters").path("serverCalls").isNumber()).isTrue();
	}

	@Test
	void nothingElseOfTheClassPathIsServed() throws Exception {
		assertThat(get(base + "/application.yml").statusCode()).isEqualTo(404);
		assertThat(get(base + "/../dev/resilientrpc/dashboard/index.html").statusCode()).isIn(400, 404);
		assertThat(get(base + "/%2e%2e/META-INF/MANIFEST.MF").statusCode()).isIn(400, 404);
		assertThat(get(base + "/dashboard.js/x").statusCode()).isEqualTo(404);
		HttpResponse<String> post = http.send(
				HttpRequest.newBuilder(URI.create(base + "/state")).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(post.statusCode()).isEqualTo(405);
	}

	private static HttpResponse<String> get(String uri) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class NodeApplication {

		@Bean
		CheckpointedMap<String, String> state() {
			return new CheckpointedMap<>("state", String.class, String.class);
		}

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
