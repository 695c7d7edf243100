package dev.resilientrpc.autoconfigure;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Derives the mapper that reads and writes JSON-RPC messages from the application's
 * {@link JsonMapper}, so that its modules and settings apply to params and results, but
 * with scalars never coerced: {@code "5"} and {@code 1.5} are not an {@code int}.
 */
public final class RpcJsonMapper {

	private RpcJsonMapper() {
	}

	/**
	 * Derive the JSON-RPC mapper.
	 * @param applicationMapper the application's mapper, if it has one
	 * @return the mapper
	 */
	public static JsonMapper from(ObjectProvider<JsonMapper> applicationMapper) {
		JsonMapper base = applicationMapper.getIfAvailable(() -> JsonMapper.builder().build());
		return base.rebuild()
			.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.build();
	}

}
