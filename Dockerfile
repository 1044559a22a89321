# One image per service: docker build --build-arg SERVICE=gateway-service -t switchboard/gateway .
# docker-compose.yml builds all four from this file.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY common common
COPY history-service history-service
COPY room-service room-service
COPY presence-service presence-service
COPY gateway-service gateway-service
COPY system-tests/pom.xml system-tests/pom.xml
COPY bench/pom.xml bench/pom.xml
RUN ./mvnw -B -q package -DskipTests -pl common,history-service,room-service,presence-service,gateway-service

FROM eclipse-temurin:17-jre
ARG SERVICE
WORKDIR /app
COPY --from=build /src/${SERVICE}/target/${SERVICE}.jar /app/service.jar
COPY --from=build /src/${SERVICE}/target/lib /app/lib
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+UseSerialGC"
# Class-data sharing takes about 2 s off the time to ready (docs/benchmarks.md, "Start to
# ready"): a training start of the service (alone, plaintext event bus, throwaway settings) writes
# the classes it loads to /app/service.jsa as its JVM exits, and every start of the image maps them
# instead of loading them from the jars. Made here, by this image's JVM for exactly these jars, and kept only if the
# JVM maps it (it crashes on a damaged archive). Without an archive the service starts all the same.
RUN SWITCHBOARD_CLUSTER_NAME=cds-training SWITCHBOARD_CLUSTER_MEMBERS=127.0.0.1 \
      SWITCHBOARD_CLUSTER_EVENT_BUS_PORT=0 SWITCHBOARD_MANAGEMENT_PORT=0 SWITCHBOARD_GATEWAY_PORT=0 \
      SWITCHBOARD_AUTH_DEV_TOKENS=true SWITCHBOARD_HISTORY_SQLITE_PATH=/tmp/cds-training.db \
      java $JAVA_OPTS -XX:ArchiveClassesAtExit=/tmp/service.jsa -jar /app/service.jar >/tmp/cds-training.log 2>&1 & \
    pid=$!; tries=0; \
    until grep -q "switchboard service ready" /tmp/cds-training.log; do \
      tries=$((tries + 1)); if [ $tries -gt 300 ] || ! kill -0 $pid 2>/dev/null; then break; fi; sleep 0.2; \
    done; \
    kill $pid 2>/dev/null; wait $pid; \
    if grep -q "switchboard service ready" /tmp/cds-training.log \
        && java $JAVA_OPTS -Xshare:on -XX:SharedArchiveFile=/tmp/service.jsa -XX:ErrorFile=/tmp/hs_err_%p.log \
          -cp /app/service.jar -version >/dev/null 2>&1; then \
      mv /tmp/service.jsa /app/service.jsa; \
    else \
      echo "no class-data archive: the service starts without one"; tail -20 /tmp/cds-training.log; \
    fi; \
    rm -f /tmp/service.jsa /tmp/cds-training.* /tmp/hs_err_*.log
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -XX:SharedArchiveFile=/app/service.jsa -jar /app/service.jar"]
