// @ts-check

/**
 * The upgrade a step or an event belongs to; deleted with it.
 *
 * @param {import('knex').Knex.CreateTableBuilder} table
 */
function upgradeReference(table) {
  table
    .uuid('upgrade_id')
    .notNullable()
    .references('id')
    .inTable('upgrades')
    .onDelete('CASCADE');
}

/**
 * Canary control-plane upgrades: the upgrade, each step it took, and its
 * event history.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('upgrades', table => {
    table.uuid('id').primary();
    table.string('cluster', 255).notNullable();
    table.string('control_plane', 255).notNullable();
    table.string('from_revision', 255).notNullable();
    table.string('target', 255).notNullable();
    table.string('phase', 64).notNullable();
    // "<cluster>/<control plane>" while the upgrade is in an active phase
    // (running, paused, rolling back...), NULL otherwise: the unique index lets
    // only one active upgrade exist per control plane, whichever backend
    // instance creates or resumes it.
    table
      .string('active_key', 511)
      .nullable()
      .unique('upgrades_active_key_idx');
    // JSON documents, stored as text so that every database reads them back alike.
    table.text('spec').notNullable();
    table.text('plan').notNullable();
    table.text('state').notNullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    // Bumped by every update, for optimistic concurrency.
    table.integer('version').notNullable();
    // The backend instance running the upgrade, until its lease expires.
    table.string('claimed_by', 255).nullable();
    table.timestamp('lease_expires_at', { useTz: true }).nullable();

    table.index(['cluster', 'control_plane'], 'upgrades_control_plane_idx');
  });

  await knex.schema.createTable('upgrade_steps', table => {
    upgradeReference(table);
    table.string('step_key', 255).notNullable();
    table.string('status', 16).notNullable();
    table.integer('attempts').notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.text('result').nullable();

    table.primary(['upgrade_id', 'step_key']);
  });

  await knex.schema.createTable('upgrade_events', table => {
    table.bigIncrements('id');
    upgradeReference(table);
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('actor', 255).notNullable();
    table.string('type', 64).notNullable();
    table.text('message').notNullable();
    table.text('data').nullable();

    table.index(['upgrade_id', 'id'], 'upgrade_events_upgrade_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('upgrade_events');
  await knex.schema.dropTable('upgrade_steps');
  await knex.schema.dropTable('upgrades');
};
