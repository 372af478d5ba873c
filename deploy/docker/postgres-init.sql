-- One database and one role per service (DESIGN.md: each service its own store).
-- Development passwords only: in production each service's PostgreSQL is managed separately.
CREATE ROLE phaseout_energy LOGIN PASSWORD 'phaseout_energy';
CREATE DATABASE phaseout_energy OWNER phaseout_energy;
CREATE ROLE phaseout_environment LOGIN PASSWORD 'phaseout_environment';
CREATE DATABASE phaseout_environment OWNER phaseout_environment;
CREATE ROLE phaseout_quality LOGIN PASSWORD 'phaseout_quality';
CREATE DATABASE phaseout_quality OWNER phaseout_quality;
CREATE ROLE phaseout_safety LOGIN PASSWORD 'phaseout_safety';
CREATE DATABASE phaseout_safety OWNER phaseout_safety;
CREATE ROLE phaseout_technology LOGIN PASSWORD 'phaseout_technology';
CREATE DATABASE phaseout_technology OWNER phaseout_technology;
CREATE ROLE phaseout_aggregator LOGIN PASSWORD 'phaseout_aggregator';
CREATE DATABASE phaseout_aggregator OWNER phaseout_aggregator;
