package dev.resilientrpc.autoconfigure.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves the dashboard: its page and two static assets from this jar, and {@code state},
 * the {@code resilientrpc} endpoint's JSON that the page reads again every refresh. Only
 * these four names are served (nothing else of the class path can be reached), with a
 * content security policy that lets the page load nothing from elsewhere.
 */
final class DashboardServlet extends HttpServlet {

	private static final String ASSETS = "dev/resilientrpc/dashboard/";

	private static final String POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

	private final transient Supplier<Map<String, Object>> state;

	private final transient JsonMapper mapper;

	private final byte[] page;

	private final byte[] script;

	private final byte[] style;

	DashboardServlet(Supplier<Map<String, Object>> state, JsonMapper mapper, long refreshMillis) {
		this.state = state;
		this.mapper = mapper;
		this.page = new String(asset("index.html"), StandardCharsets.UTF_8)
			.replace("@refreshMillis@", Long.toString(refreshMillis))
			.getBytes(StandardCharsets.UTF_8);
		this.script = asset("dashboard.js");
		this.style = asset("dashboard.css");
	}

	private static byte[] asset(String name) {
		try (InputStream in = DashboardServlet.class.getClassLoader().getResourceAsStream(ASSETS + name)) {
			if (in == null) {
				throw new IllegalStateException("Dashboard asset " + ASSETS + name + " is missing from the class path");
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String name = request.getPathInfo();
		if (name == null) {
			// relative URLs of the page resolve against the path with its slash
			response.sendRedirect(request.getContextPath() + request.getServletPath() + "/");
			return;
		}
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("Content-Security-Policy", POLICY);
		switch (name) {
			case "/", "/index.html" -> send(response, "text/html;charset=UTF-8", this.page);
			case "/dashboard.js" -> send(response, "text/javascript;charset=UTF-8", this.script);
			case "/dashboard.css" -> send(response, "text/css;charset=UTF-8", this.style);
			case "/state" -> {
				response.setHeader("Cache-Control", "no-store");
				send(response, "application/json", this.mapper.writeValueAsBytes(this.state.get()));
			}
			default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
		}
	}

	private static void send(HttpServletResponse response, String contentType, byte[] body) throws IOException {
		response.setContentType(contentType);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
