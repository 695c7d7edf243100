package dev.resilientrpc.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layering that keeps the code readable as it grows: capability packages
 * ({@code dev.resilientrpc.client}, {@code server}, {@code ordering}, …) know nothing of
 * Boot, and no two packages depend on each other in a circle.
 */
class ArchitectureTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.resilientrpc");

	@Test
	void theProductionClassesAreImported() {
		// a rule checked against nothing passes: make sure the importer found the code
		assertThat(classes.stream().map((javaClass) -> javaClass.getPackageName()).distinct()).contains(
				"dev.resilientrpc.client", "dev.resilientrpc.server", "dev.resilientrpc.ordering",
				"dev.resilientrpc.checkpoint", "dev.resilientrpc.autoconfigure.client");
	}

	@Test
	void noPackagesDependOnEachOtherInACircle() {
		slices().matching("dev.resilientrpc.(**)").should().beFreeOfCycles().check(classes);
	}

	@Test
	void capabilityPackagesDoNotDependOnBootWiring() {
		noClasses().that()
			.resideOutsideOfPackage("dev.resilientrpc.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.resilientrpc.autoconfigure..")
			.check(classes);
	}

	@Test
	void capabilityPackagesDoNotDependOnSpringBoot() {
		noClasses().that()
			.resideOutsideOfPackage("dev.resilientrpc.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot..")
			.check(classes);
	}

}
