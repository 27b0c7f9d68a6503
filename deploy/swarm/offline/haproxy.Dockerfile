# HAProxy from Debian, a stand-in for the official haproxy image where no registry can be reached (the
# swarm test uses it): same configuration path, same unprivileged user. Built by build-offline-images.sh.
ARG BASE_IMAGE=faas-services:bookworm
FROM ${BASE_IMAGE}
RUN mkdir -p /usr/local/etc/haproxy
USER haproxy
STOPSIGNAL SIGUSR1
ENTRYPOINT ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
