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
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/service.jar"]
