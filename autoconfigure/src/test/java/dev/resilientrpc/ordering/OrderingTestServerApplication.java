package dev.resilientrpc.ordering;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * A server exporting the {@link LedgerServer ledger}, with a {@link ResponseDropper} in
 * front.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class OrderingTestServerApplication {

	@Bean
	LedgerServer ledgerServer() {
		return new LedgerServer();
	}

	@Bean
	HeaderCapture headerCapture() {
		return new HeaderCapture();
	}

	@Bean
	ResponseDropper responseDropper() {
		return new ResponseDropper();
	}

	@Bean
	FilterRegistrationBean<ResponseDropper> responseDropperRegistration(ResponseDropper dropper) {
		FilterRegistrationBean<ResponseDropper> registration = new FilterRegistrationBean<>(dropper);
		registration.addUrlPatterns("/rpc");
		return registration;
	}

}
