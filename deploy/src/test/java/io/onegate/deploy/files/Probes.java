package io.onegate.deploy.files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every HTTP path the deployment files expect a OneGate process to answer — health checks, probes, load-balancer
 * checks, metrics scrapes — with the port each names. {@code DockerImagesTest} asks the running processes for each.
 */
public final class Probes {
  /** The Dockerfile health checks' form: {@code curl … "http://127.0.0.1:${PORT_SETTING}/path"}. */
  public static final Pattern HEALTHCHECK_URL =
      Pattern.compile("\"http://127\\.0\\.0\\.1:\\$\\{([A-Z_]+)}(/[^\"]*)\"");
  public static final Path HAPROXY = RepoFiles.path("deploy/compose/haproxy.cfg");

  /** What the answer must be: liveness 200 whenever the process runs, readiness 200 once its dependencies answer. */
  public enum Kind { LIVENESS, READINESS, METRICS }

  /**
   * One expectation.
   *
   * @param where  file and object, for messages
   * @param target the Dockerfile target of the image it probes
   * @param port   the port as written (a number, a container port name, or a {@code ${SETTING}} reference)
   */
  public record Use(String where, String target, Kind kind, String path, String port) {
  }

  private Probes() {
  }

  public static List<Use> all() {
    List<Use> out = new ArrayList<>();
    for (String target : Images.targets()) {
      String command = Images.DOCKERFILE.stage(target).healthcheckCommand()
          .orElseThrow(() -> new IllegalArgumentException("target " + target + " has no HEALTHCHECK"));
      Matcher m = HEALTHCHECK_URL.matcher(command);
      if (!m.find()) {
        throw new IllegalArgumentException("target " + target + ": HEALTHCHECK URL not in the expected form: " + command);
      }
      out.add(new Use("Dockerfile " + target + " HEALTHCHECK", target, Kind.LIVENESS, m.group(2), "${" + m.group(1) + "}"));
    }
    for (String dir : Deployments.KUSTOMIZATIONS) {
      out.addAll(kubernetes(dir, Kustomize.build(RepoFiles.path(dir))));
    }
    out.addAll(kubernetes("deploy/sealos", SealosTemplate.render(RepoFiles.read(Deployments.SEALOS_TEMPLATE))));
    for (String[] check : haproxyChecks()) {
      out.add(new Use("haproxy.cfg backend " + check[0], "gateway", Kind.READINESS, check[1], check[2]));
    }
    for (Map<String, Object> podMonitor : Kustomize.build(RepoFiles.path("deploy/k8s/components/podmonitor"))) {
      for (Object endpoint : Yamls.listAt(podMonitor, "spec.podMetricsEndpoints")) {
        Map<String, Object> e = Yamls.map(endpoint);
        for (String target : List.of("gateway", "billing-worker", "health-worker")) {
          out.add(new Use("PodMonitor", target, Kind.METRICS, Yamls.string(e, "path"), Yamls.string(e, "port")));
        }
      }
    }
    return out;
  }

  /** {@code [server name, check uri, port]} for each server of the gateway backend in haproxy.cfg. */
  public static List<String[]> haproxyChecks() {
    String uri = null;
    List<String[]> servers = new ArrayList<>();
    for (String line : RepoFiles.read(HAPROXY).split("\n")) {
      String[] words = line.trim().split("\\s+");
      if (line.trim().startsWith("http-check send")) {
        for (int i = 0; i + 1 < words.length; i++) {
          if (words[i].equals("uri")) {
            uri = words[i + 1];
          }
        }
      } else if (words[0].equals("server")) {
        String address = words[2];
        servers.add(new String[] {words[1], address.substring(0, address.indexOf(':')),
            address.substring(address.indexOf(':') + 1)});
      }
    }
    if (uri == null || servers.isEmpty()) {
      throw new IllegalArgumentException("haproxy.cfg: no http-check uri or no servers");
    }
    List<String[]> out = new ArrayList<>();
    for (String[] server : servers) {
      out.add(new String[] {server[0] + " (" + server[1] + ")", uri, server[2]});
    }
    return out;
  }

  private static List<Use> kubernetes(String source, List<Map<String, Object>> docs) {
    List<Use> out = new ArrayList<>();
    for (PodContainer container : PodContainer.of(source, docs)) {
      String target = Images.targetOfImage(container.image()).orElse(null);
      if (target == null) {
        continue;
      }
      String where = source + " " + container.name();
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        Map<String, Object> get = container.httpProbe(probe)
            .orElseThrow(() -> new IllegalArgumentException(where + " has no HTTP " + probe));
        out.add(new Use(where + " " + probe, target, probe.equals("readinessProbe") ? Kind.READINESS : Kind.LIVENESS,
            Yamls.string(get, "path"), Yamls.string(get, "port")));
      }
      Map<String, Object> annotations = container.podAnnotations();
      if (annotations.containsKey("prometheus.io/path")) {
        out.add(new Use(where + " prometheus.io annotations", target, Kind.METRICS,
            String.valueOf(annotations.get("prometheus.io/path")), String.valueOf(annotations.get("prometheus.io/port"))));
      }
    }
    return out;
  }
}
