# PostgreSQL 15 from Debian, a stand-in for the official postgres image where no registry can be reached
# (the swarm test uses it). Built by deploy/swarm/build-offline-images.sh.
ARG BASE_IMAGE=faas-services:bookworm
FROM ${BASE_IMAGE}
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
STOPSIGNAL SIGINT
EXPOSE 5432
ENTRYPOINT ["sh", "/usr/local/bin/postgres-entrypoint.sh"]
