package dev.resilientrpc.autoconfigure.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.checkpoint.CheckpointedMap;
import dev.resilientrpc.it.TestPorts;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code resilientrpc} endpoint over HTTP, as Actuator serves it: its parts written
 * as JSON, one service, the checkpoint action and the answers to bad requests.
 */
class ResilientRpcEndpointHttpTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static ConfigurableApplicationContext node;

	private static String base;

	@BeforeAll
	static void start() {
		node = new SpringApplicationBuilder(NodeApplication.class).properties("server.port=0",
				"spring.main.banner-mode=off",
				"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"resilient-rpc.client.services.kv.instances=http://127.0.0.1:8081,http://127.0.0.1:8082",
				"management.endpoints.web.exposure.include=resilientrpc")
			.run();
		base = "http://127.0.0.1:" + TestPorts.portOf(node) + "/actuator/resilientrpc";
	}

	@AfterAll
	static void stop() {
		node.close();
	}

	@Test
	void everyPartIsWrittenAsJson() throws Exception {
		HttpResponse<String> response = get(base);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).contains("json"));
		assertThat(response.body()).contains("\"loadBalancer\"", "\"retryBudgets\"", "\"checkpoints\"", "\"state\"",
				"\"http://127.0.0.1:8081/rpc\"", "\"AVAILABLE\"");
	}

	@Test
	void oneServiceIsFoundByItsNameAndAnUnknownOneIsNotFound() throws Exception {
		HttpResponse<String> kv = get(base + "/kv");
		assertThat(kv.statusCode()).isEqualTo(200);
		assertThat(kv.body()).contains("\"loadBalancer\"", "\"ringVersion\"").doesNotContain("\"checkpoints\"");
		assertThat(get(base + "/nope").statusCode()).isEqualTo(404);
	}

	@Test
	void postingToACheckpointTakesItNow() throws Exception {
		HttpResponse<String> response = post(base + "/checkpoints/state");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"name\":\"state\"");
		assertThat(post(base + "/checkpoints/nope").statusCode()).isEqualTo(400);
	}

	private static HttpResponse<String> get(String uri) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> post(String uri) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(uri)).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class NodeApplication {

		@Bean
		CheckpointedMap<String, String> state() {
			return new CheckpointedMap<>("state", String.class, String.class);
		}

	}

}
