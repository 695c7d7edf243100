package dev.resilientrpc.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Looks up the SSL bundles that resilient-rpc properties name, at startup, so that a name
 * that is not configured fails there with the property that named it.
 */
public final class RpcSslBundles {

	private RpcSslBundles() {
	}

	/**
	 * Return a bundle.
	 * @param bundles the application's bundles, if SSL is configured at all
	 * @param property the property that names the bundle
	 * @param name the bundle's name
	 * @return the bundle
	 * @throws InvalidConfigurationPropertyValueException naming the property if there is
	 * no such bundle
	 */
	public static SslBundle get(ObjectProvider<SslBundles> bundles, String property, String name) {
		SslBundles available = bundles.getIfAvailable();
		if (available == null) {
			throw new InvalidConfigurationPropertyValueException(property, name,
					"SSL bundles are not configured (spring.ssl.bundle.*)");
		}
		try {
			return available.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationPropertyValueException(property, name,
					"no SSL bundle of that name is configured under spring.ssl.bundle");
		}
	}

}
