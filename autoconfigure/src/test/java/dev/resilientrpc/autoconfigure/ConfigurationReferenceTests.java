package dev.resilientrpc.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration reference ({@code docs/configuration.md}) and the IDE metadata that
 * the build generates describe the same properties: every property in the metadata has a
 * row in the reference and a description, and every row names a property that exists. A
 * row names properties by the backticked names in its first cell, relative to the
 * section's {@code (`prefix.*`)} unless they start with {@code resilient-rpc.}; a map
 * entry such as {@code services.<name>.path} documents the map property {@code services}.
 */
class ConfigurationReferenceTests {

	private static final Pattern SECTION = Pattern.compile("^#+ .*\\(`([a-z0-9.-]+)\\.\\*`\\)");

	private static final Pattern ROW = Pattern.compile("^\\| ([^|]*)\\|");

	private static final Pattern NAME = Pattern.compile("`([a-z][a-zA-Z0-9.<>\\[\\] -]*)`");

	private static Map<String, JsonNode> metadata = Map.of();

	private static Set<String> documented = Set.of();

	@BeforeAll
	static void read() throws IOException {
		metadata = ourMetadata();
		documented = documentedNames(Path.of("..", "docs", "configuration.md"));
	}

	@Test
	void everyPropertyHasARowInTheReference() {
		List<String> missing = new ArrayList<>();
		for (String name : metadata.keySet()) {
			if (name.startsWith("resilient-rpc.") && !documented.contains(name)) {
				missing.add(name);
			}
		}
		assertThat(missing).as("properties without a row in docs/configuration.md").isEmpty();
	}

	@Test
	void everyRowNamesAProperty() {
		List<String> unknown = new ArrayList<>();
		for (String name : documented) {
			if (name.startsWith("resilient-rpc.") && !metadata.containsKey(name)) {
				unknown.add(name);
			}
		}
		assertThat(unknown).as("rows of docs/configuration.md that name no property").isEmpty();
	}

	@Test
	void everyPropertyHasADescription() {
		assertThat(metadata).isNotEmpty();
		List<String> undescribed = new ArrayList<>();
		metadata.forEach((name, property) -> {
			if (property.path("description").asString("").isBlank()) {
				undescribed.add(name);
			}
		});
		assertThat(undescribed).as("properties without a description for IDEs").isEmpty();
	}

	private static Map<String, JsonNode> ourMetadata() throws IOException {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		Enumeration<URL> resources = ConfigurationReferenceTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		JsonMapper mapper = JsonMapper.builder().build();
		while (resources.hasMoreElements()) {
			URL url = resources.nextElement();
			if (!"file".equals(url.getProtocol())) {
				continue; // another library's jar
			}
			try (InputStream in = url.openStream()) {
				for (JsonNode property : mapper.readTree(in).path("properties")) {
					properties.put(property.path("name").asString(), property);
				}
			}
		}
		assertThat(properties).as("the metadata that the configuration processor wrote to target/classes").isNotEmpty();
		return properties;
	}

	private static Set<String> documentedNames(Path reference) throws IOException {
		Set<String> names = new TreeSet<>();
		String prefix = null;
		for (String line : Files.readAllLines(reference)) {
			Matcher section = SECTION.matcher(line);
			if (section.find()) {
				prefix = section.group(1);
				continue;
			}
			if (line.startsWith("#")) {
				prefix = null;
			}
			Matcher row = ROW.matcher(line);
			if (prefix == null || !row.find()) {
				continue;
			}
			Matcher name = NAME.matcher(row.group(1));
			while (name.find()) {
				String relative = name.group(1);
				String full = relative.startsWith("resilient-rpc.") ? relative : prefix + "." + relative;
				int entry = indexOfEntry(full);
				names.add((entry >= 0) ? full.substring(0, entry) : full);
			}
		}
		return names;
	}

	private static int indexOfEntry(String name) {
		int angle = name.indexOf(".<");
		int bracket = name.indexOf('[');
		if (angle < 0) {
			return bracket;
		}
		return (bracket < 0) ? angle : Math.min(angle, bracket);
	}

}
