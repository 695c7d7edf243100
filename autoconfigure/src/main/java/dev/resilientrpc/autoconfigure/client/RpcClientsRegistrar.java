package dev.resilientrpc.autoconfigure.client;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.client.RpcClientProxyFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Registers one {@link RpcClientFactoryBean} per {@link ResilientRpc @ResilientRpc}
 * interface found in the application's packages (those registered by
 * {@code @SpringBootApplication} or {@code @AutoConfigurationPackage}), the way Spring
 * Data finds repositories.
 */
class RpcClientsRegistrar
		implements ImportBeanDefinitionRegistrar, BeanFactoryAware, EnvironmentAware, ResourceLoaderAware {

	private static final Log logger = LogFactory.getLog(RpcClientsRegistrar.class);

	private @Nullable BeanFactory beanFactory;

	private @Nullable Environment environment;

	private @Nullable ResourceLoader resourceLoader;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
		if (this.beanFactory == null || !AutoConfigurationPackages.has(this.beanFactory)) {
			logger.debug("No auto-configuration packages: not scanning for @ResilientRpc interfaces");
			return;
		}
		List<String> packages = AutoConfigurationPackages.get(this.beanFactory);
		Environment environment = (this.environment != null) ? this.environment : new StandardEnvironment();
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
				environment) {

			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isIndependent();
			}

		};
		if (this.resourceLoader != null) {
			scanner.setResourceLoader(this.resourceLoader);
		}
		scanner.addIncludeFilter(new AnnotationTypeFilter(ResilientRpc.class, true, false));
		for (String basePackage : packages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
				register(registry, candidate);
			}
		}
	}

	private void register(BeanDefinitionRegistry registry, BeanDefinition candidate) {
		String className = candidate.getBeanClassName();
		if (className == null) {
			return;
		}
		Class<?> type = ClassUtils.resolveClassName(className,
				(this.resourceLoader != null) ? this.resourceLoader.getClassLoader() : null);
		RpcClientProxyFactory.serviceOf(type);
		if (registry.containsBeanDefinition(className)) {
			return;
		}
		AbstractBeanDefinition definition = BeanDefinitionBuilder.genericBeanDefinition(RpcClientFactoryBean.class)
			.addConstructorArgValue(type)
			.getBeanDefinition();
		definition.setAttribute(FactoryBean.OBJECT_TYPE_ATTRIBUTE, type);
		definition.setPrimary(false);
		registry.registerBeanDefinition(className, definition);
	}

}
