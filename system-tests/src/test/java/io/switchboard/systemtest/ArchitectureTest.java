package io.switchboard.systemtest;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import io.switchboard.common.service.ServiceLauncher;
import io.switchboard.gateway.GatewayService;
import io.switchboard.history.HistoryService;
import io.switchboard.presence.PresenceService;
import io.switchboard.room.RoomService;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the code, checked on each module's main classes as built: the services form a
 * one-way star on {@code common}, no file references a file that references it back (nested
 * classes count as their file), and {@code common}'s packages form no cycle.
 */
class ArchitectureTest {

  private static final Map<String, Class<?>> MODULES = Map.of(
      "common", ServiceLauncher.class,
      "gateway", GatewayService.class,
      "room", RoomService.class,
      "history", HistoryService.class,
      "presence", PresenceService.class);

  /** The main classes of one module: only what its own jar (or classes folder) holds, never its tests. */
  private static JavaClasses mainClasses(String module) {
    try {
      Location location = Location.of(MODULES.get(module).getProtectionDomain().getCodeSource().getLocation().toURI());
      return new ClassFileImporter().importLocations(Set.of(location));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String fileOf(JavaClass c) {
    JavaClass outer = c;
    while (outer.getEnclosingClass().isPresent()) {
      outer = outer.getEnclosingClass().get();
    }
    return outer.getName();
  }

  @ParameterizedTest
  @ValueSource(strings = {"common", "gateway", "room", "history", "presence"})
  void noFileReferencesAFileThatReferencesItBack(String module) {
    JavaClasses classes = mainClasses(module);
    Map<String, Set<String>> references = new HashMap<>();
    for (JavaClass c : classes) {
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        if (classes.contain(d.getTargetClass().getName())) {
          String from = fileOf(c);
          String to = fileOf(d.getTargetClass());
          if (!from.equals(to)) {
            references.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
          }
        }
      }
    }
    List<String> mutual = new ArrayList<>();
    references.forEach((from, tos) -> tos.stream()
        .filter(to -> from.compareTo(to) < 0 && references.getOrDefault(to, Set.of()).contains(from))
        .forEach(to -> mutual.add(from + " <-> " + to)));
    assertThat(classes).as("classes of " + module).isNotEmpty();
    assertThat(mutual).as("files of " + module + " that reference each other").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gateway", "room", "history", "presence"})
  void aServiceDependsOnCommonAndOnNoOtherService(String module) {
    JavaClasses classes = mainClasses(module);
    Set<String> others = new TreeSet<>();
    for (JavaClass c : classes) {
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String target = d.getTargetClass().getPackageName();
        for (String other : List.of("gateway", "room", "history", "presence")) {
          if (!other.equals(module) && (target + ".").startsWith("io.switchboard." + other + ".")) {
            others.add(c.getName() + " -> " + d.getTargetClass().getName());
          }
        }
      }
    }
    assertThat(others).as(module + " classes that use another service's classes").isEmpty();
  }

  @org.junit.jupiter.api.Test
  void commonsPackagesFormNoCycle() {
    SlicesRuleDefinition.slices().matching("io.switchboard.common.(*)..").should().beFreeOfCycles()
        .check(mainClasses("common"));
  }
}
