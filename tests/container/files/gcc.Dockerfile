# The hardened example image with a compiler in it, as an image built
# carelessly would have: the policy must stop it in every way it can be run.
# IMAGE is the example image (docs/examples/Dockerfile) as the suite tagged it.
ARG IMAGE=example/web:hardened
FROM ${IMAGE}
USER root
# notgcc: a byte-identical copy under a name no pattern matches
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/* \
 && cp /usr/bin/gcc-12 /usr/local/bin/notgcc
USER 1000:1000
