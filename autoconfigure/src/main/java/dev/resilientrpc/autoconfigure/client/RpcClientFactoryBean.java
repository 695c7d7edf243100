package dev.resilientrpc.autoconfigure.client;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.RpcClientProxyFactory;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.cluster.StaticServiceInstances;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartFactoryBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.Assert;

/**
 * Creates the proxy of one {@code @ResilientRpc} interface, eagerly: a service with no
 * configured instance fails the startup, naming the property to set.
 *
 * @param <T> the interface type
 */
class RpcClientFactoryBean<T> implements SmartFactoryBean<T>, BeanFactoryAware {

	private final Class<T> type;

	private @Nullable BeanFactory beanFactory;

	RpcClientFactoryBean(Class<T> type) {
		this.type = type;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public T getObject() {
		Assert.state(this.beanFactory != null, "No BeanFactory");
		String service = RpcClientProxyFactory.serviceOf(this.type);
		ServiceInstanceSupplier instances = this.beanFactory.getBean(ServiceInstanceSupplier.class);
		if (instances instanceof StaticServiceInstances configured && !configured.hasInstances(service)) {
			throw new InvalidConfigurationPropertyValueException(
					"resilient-rpc.client.services." + service + ".instances", List.of(),
					"service '" + service + "' called by " + this.type.getName()
							+ " needs at least one instance, such as http://localhost:8080");
		}
		return this.beanFactory.getBean(RpcClientProxyFactory.class).create(this.type);
	}

	@Override
	public Class<?> getObjectType() {
		return this.type;
	}

	@Override
	public boolean isEagerInit() {
		// create the proxy at startup, so that a missing instance list fails there
		return true;
	}

}
