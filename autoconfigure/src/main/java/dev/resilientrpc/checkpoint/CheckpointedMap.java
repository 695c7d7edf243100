package dev.resilientrpc.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.StreamUtils;

/**
 * A concurrent map that is a {@link Checkpointable}: declare it as a bean, change it only
 * from {@link dev.resilientrpc.annotation.Mutating @Mutating} methods of the service of
 * the same name, and it survives restarts. Keys and values are written as JSON with
 * Jackson.
 *
 * <p>
 * A snapshot is a shallow copy taken while mutating calls are paused and written after
 * they resume, so values must not be changed in place: replace them (for example with
 * {@link #merge merge} or {@link #compute compute} returning a new value). Views
 * ({@link #entrySet()}, {@link #keySet()}, {@link #values()}) are read-only.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class CheckpointedMap<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V>, Checkpointable {

	private static final ObjectMapper DEFAULT_MAPPER = JsonMapper.builder().build();

	private final String name;

	private final ObjectMapper mapper;

	private final JavaType keyType;

	private final JavaType valueType;

	private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();

	private final AtomicLong changes = new AtomicLong();

	/**
	 * Create a map whose keys and values are written with a default {@link JsonMapper}.
	 * @param name the checkpoint name
	 * @param keyType the key type
	 * @param valueType the value type
	 */
	public CheckpointedMap(String name, Class<K> keyType, Class<V> valueType) {
		this(name, DEFAULT_MAPPER, DEFAULT_MAPPER.constructType(keyType), DEFAULT_MAPPER.constructType(valueType));
	}

	/**
	 * Create a map whose keys and values are written with the given mapper, for generic
	 * types such as
	 * {@code mapper.getTypeFactory().constructCollectionType(List.class, String.class)}.
	 * @param name the checkpoint name
	 * @param mapper the mapper
	 * @param keyType the key type
	 * @param valueType the value type
	 */
	public CheckpointedMap(String name, ObjectMapper mapper, JavaType keyType, JavaType valueType) {
		this.name = name;
		this.mapper = mapper;
		this.keyType = keyType;
		this.valueType = valueType;
	}

	@Override
	public String getCheckpointName() {
		return this.name;
	}

	@Override
	public Snapshot snapshot() {
		Map<K, V> copy = new HashMap<>(this.map);
		ObjectWriter keys = this.mapper.writerFor(this.keyType);
		ObjectWriter values = this.mapper.writerFor(this.valueType);
		return (out) -> {
			try (JsonGenerator generator = this.mapper.createGenerator(StreamUtils.nonClosing(out))) {
				generator.writeStartArray();
				for (Map.Entry<K, V> entry : copy.entrySet()) {
					keys.writeValue(generator, entry.getKey());
					values.writeValue(generator, entry.getValue());
				}
				generator.writeEndArray();
			}
			catch (JacksonException ex) {
				throw new IOException("Cannot write map '" + this.name + "': " + ex.getOriginalMessage(), ex);
			}
		};
	}

	@Override
	public void restore(InputStream in) throws IOException {
		Map<K, V> restored = new HashMap<>();
		// entries follow each other in one array: each value is read from the middle of
		// it
		ObjectReader keys = this.mapper.readerFor(this.keyType).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
		ObjectReader values = this.mapper.readerFor(this.valueType)
			.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
		try (JsonParser parser = this.mapper.createParser(StreamUtils.nonClosing(in))) {
			if (parser.nextToken() != JsonToken.START_ARRAY) {
				throw new IOException("Map '" + this.name + "' snapshot does not start with an array");
			}
			while (parser.nextToken() != JsonToken.END_ARRAY) {
				K key = keys.readValue(parser);
				parser.nextToken();
				V value = values.readValue(parser);
				restored.put(key, value);
			}
		}
		catch (JacksonException ex) {
			throw new IOException("Cannot read map '" + this.name + "': " + ex.getOriginalMessage(), ex);
		}
		this.map.clear();
		this.map.putAll(restored);
		this.changes.incrementAndGet();
	}

	@Override
	public long getChangeCount() {
		return this.changes.get();
	}

	private <T> @Nullable T changed(@Nullable T result) {
		this.changes.incrementAndGet();
		return result;
	}

	@Override
	public int size() {
		return this.map.size();
	}

	@Override
	public boolean isEmpty() {
		return this.map.isEmpty();
	}

	@Override
	public boolean containsKey(Object key) {
		return this.map.containsKey(key);
	}

	@Override
	public boolean containsValue(Object value) {
		return this.map.containsValue(value);
	}

	@Override
	public @Nullable V get(Object key) {
		return this.map.get(key);
	}

	@Override
	public V getOrDefault(Object key, V defaultValue) {
		return this.map.getOrDefault(key, defaultValue);
	}

	@Override
	public @Nullable V put(K key, V value) {
		return changed(this.map.put(key, value));
	}

	@Override
	public void putAll(Map<? extends K, ? extends V> values) {
		this.map.putAll(values);
		this.changes.incrementAndGet();
	}

	@Override
	public @Nullable V remove(Object key) {
		return changed(this.map.remove(key));
	}

	@Override
	public void clear() {
		this.map.clear();
		this.changes.incrementAndGet();
	}

	@Override
	public @Nullable V putIfAbsent(K key, V value) {
		return changed(this.map.putIfAbsent(key, value));
	}

	@Override
	public boolean remove(Object key, Object value) {
		boolean removed = this.map.remove(key, value);
		this.changes.incrementAndGet();
		return removed;
	}

	@Override
	public boolean replace(K key, V oldValue, V newValue) {
		boolean replaced = this.map.replace(key, oldValue, newValue);
		this.changes.incrementAndGet();
		return replaced;
	}

	@Override
	public @Nullable V replace(K key, V value) {
		return changed(this.map.replace(key, value));
	}

	@Override
	public @Nullable V computeIfAbsent(K key, Function<? super K, ? extends V> function) {
		return changed(this.map.computeIfAbsent(key, function));
	}

	@Override
	public @Nullable V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> function) {
		return changed(this.map.computeIfPresent(key, function));
	}

	@Override
	public @Nullable V compute(K key, BiFunction<? super K, ? super @Nullable V, ? extends V> function) {
		return changed(this.map.compute(key, function));
	}

	@Override
	public @Nullable V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> function) {
		return changed(this.map.merge(key, value, function));
	}

	@Override
	public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
		this.map.replaceAll(function);
		this.changes.incrementAndGet();
	}

	@Override
	public Set<Entry<K, V>> entrySet() {
		return Collections.unmodifiableMap(this.map).entrySet();
	}

	@Override
	public String toString() {
		return "CheckpointedMap '" + this.name + "' (" + this.map.size() + " entries)";
	}

}
