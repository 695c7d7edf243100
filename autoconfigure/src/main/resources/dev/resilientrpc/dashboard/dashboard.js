// The resilient-rpc dashboard: reads the resilientrpc endpoint's JSON ("state") every
// refresh and draws it. No framework and nothing from elsewhere; every text from the
// state goes in as textContent.
(function () {
  'use strict';

  const SVG = 'http://www.w3.org/2000/svg';
  const PALETTE = ['#3b6fd4', '#d4773b', '#3ba55c', '#a23bd4', '#d43b6f', '#3bb8d4', '#8c7a2b', '#5b6272'];
  const UNKNOWN = '#d5d8de';
  const COUNTERS = [
    ['serverCalls', 'server calls'], ['clientCalls', 'client calls'], ['retries', 'retries'],
    ['failovers', 'failovers'], ['stale', 'stale'], ['shed', 'shed'], ['replays', 'replays'],
    ['checkpoints', 'checkpoints']
  ];
  const body = document.body;
  const refresh = Math.max(100, parseInt(body.dataset.refreshMillis, 10) || 1000);
  let previous = null;
  let updates = 0;

  function el(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      node.setAttribute(name, value);
    }
    if (text !== undefined) {
      node.textContent = String(text);
    }
    return node;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      node.setAttribute(name, value);
    }
    return node;
  }

  function colors(ids) {
    const map = new Map();
    [...new Set(ids)].filter((id) => id).sort().forEach((id, i) => map.set(id, PALETTE[i % PALETTE.length]));
    return map;
  }

  // one arc of the ring, from fraction a to fraction b of the circle, clockwise from the top
  function arc(cx, cy, r, a, b) {
    const point = (f) => {
      const angle = 2 * Math.PI * f - Math.PI / 2;
      return (cx + r * Math.cos(angle)).toFixed(2) + ' ' + (cy + r * Math.sin(angle)).toFixed(2);
    };
    const large = (b - a) > 0.5 ? 1 : 0;
    return 'M ' + point(a) + ' A ' + r + ' ' + r + ' 0 ' + large + ' 1 ' + point(b);
  }

  // segments: [{from, to, owner, here, dashed, slot}] as fractions of the circle
  function ring(service, title, subtitle, segments, legend) {
    const box = el('div', { 'class': 'ring', 'data-service': service });
    const picture = svg('svg', { width: 260, height: 260, viewBox: '0 0 260 260', role: 'img' });
    picture.appendChild(svg('circle', { cx: 130, cy: 130, r: 100, fill: 'none', stroke: '#eceef2', 'stroke-width': 30 }));
    const palette = colors(legend.map((entry) => entry.id));
    for (const segment of segments) {
      const gap = segments.length > 1 ? Math.min(0.002, (segment.to - segment.from) / 4) : 0;
      const to = segment.to - segment.from >= 1 ? segment.from + 0.99999 : segment.to - gap;
      const path = svg('path', {
        'class': segment.here ? 'arc here' : 'arc',
        d: arc(130, 130, 100, segment.from + gap, to),
        fill: 'none',
        stroke: palette.get(segment.owner) || UNKNOWN,
        'stroke-width': segment.here ? 34 : 24,
        'data-owner': segment.owner || ''
      });
      if (segment.slot !== undefined) {
        path.setAttribute('data-slot', segment.slot);
      }
      if (segment.dashed) {
        path.setAttribute('stroke-dasharray', '4 3');
      }
      const tip = svg('title');
      tip.textContent = (segment.slot !== undefined ? 'slot ' + segment.slot + ': ' : '') + (segment.owner || 'no holder known');
      path.appendChild(tip);
      picture.appendChild(path);
    }
    const name = svg('text', { x: 130, y: 126, 'text-anchor': 'middle', 'font-weight': 'bold' });
    name.textContent = title;
    const sub = svg('text', { x: 130, y: 146, 'text-anchor': 'middle' });
    sub.textContent = subtitle;
    picture.append(name, sub);
    const list = el('ul');
    for (const entry of legend) {
      const item = el('li', { 'class': 'node state-' + (entry.state || 'AVAILABLE'), 'data-node': entry.id,
        'data-state': entry.state || '' });
      const swatch = el('span', { 'class': 'swatch' });
      swatch.style.background = palette.get(entry.id) || UNKNOWN;
      item.append(swatch, document.createTextNode(entry.text));
      list.appendChild(item);
    }
    box.append(picture, list);
    return box;
  }

  function slotRing(service, slots) {
    const count = slots.slotCount;
    const owners = slots.owners || [];
    const segments = [];
    for (let slot = 0; slot < count; slot++) {
      segments.push({ from: slot / count, to: (slot + 1) / count, owner: owners[slot] || '', slot: slot,
        here: owners[slot] === slots.nodeId });
    }
    const legend = Object.entries(slots.holders || {}).map(([id, held]) => ({
      id: id, text: id + ': ' + held + ' of ' + count + ' slots' + (id === slots.nodeId ? ' (this node)' : '')
    }));
    return ring(service, service, count + ' slots', segments, legend);
  }

  function balancerRing(service, balancer) {
    const segments = [];
    const legend = [];
    let at = 0;
    for (const instance of balancer.instances || []) {
      const share = Math.max(0, instance.ringShare || 0);
      segments.push({ from: at, to: at + share, owner: instance.endpoint,
        dashed: instance.state !== 'AVAILABLE' });
      at += share;
      legend.push({ id: instance.endpoint, state: instance.state,
        text: instance.endpoint + ' ' + instance.state + ', ' + (100 * share).toFixed(1) + '% of the ring, '
          + instance.inFlight + ' in flight' });
    }
    return ring(service, service, 'ring v' + balancer.ringVersion + ' (arcs: shares)', segments, legend);
  }

  function table(target, head, rows) {
    target.replaceChildren();
    if (rows.length === 0) {
      target.appendChild(el('tr')).appendChild(el('td', {}, 'none here'));
      return;
    }
    const header = el('tr');
    head.forEach((name) => header.appendChild(el('th', {}, name)));
    target.appendChild(header);
    for (const row of rows) {
      const line = el('tr', row.attributes || {});
      row.cells.forEach((cell) => line.appendChild(el('td', cell.state ? { 'class': 'state-' + cell.state } : {},
        cell.text !== undefined ? cell.text : cell)));
      target.appendChild(line);
    }
  }

  function drawCounters(state, now) {
    const counters = state.counters || {};
    const section = document.getElementById('counters');
    section.replaceChildren();
    for (const [key, label] of COUNTERS) {
      const value = counters[key] || 0;
      const tile = el('div', { 'class': 'counter' });
      tile.appendChild(el('span', { 'class': 'value', 'data-counter': key }, value));
      tile.appendChild(el('span', { 'class': 'label' }, label));
      if (previous && previous.counters) {
        const seconds = Math.max(0.001, (now - previous.at) / 1000);
        const rate = (value - (previous.counters[key] || 0)) / seconds;
        tile.appendChild(el('span', { 'class': 'rate' }, ' +' + rate.toFixed(1) + '/s'));
      }
      section.appendChild(tile);
    }
  }

  function draw(state, now) {
    drawCounters(state, now);
    const rings = document.getElementById('rings');
    rings.replaceChildren();
    const slots = state.slots || {};
    for (const [service, part] of Object.entries(slots)) {
      rings.appendChild(slotRing(service, part));
      document.getElementById('node').textContent = 'node ' + part.nodeId;
    }
    for (const [service, part] of Object.entries(state.loadBalancer || {})) {
      if (!(service in slots)) {
        rings.appendChild(balancerRing(service, part));
      }
    }
    const breakers = [];
    for (const [service, byName] of Object.entries(state.circuitBreakers || {})) {
      for (const [name, breaker] of Object.entries(byName)) {
        breakers.push({ attributes: { 'class': 'breaker', 'data-service': service, 'data-state': breaker.state },
          cells: [name, { text: breaker.state, state: breaker.state }, breaker.failureRate < 0 ? '-' : breaker.failureRate + '%',
            breaker.bufferedCalls, breaker.notPermittedCalls !== undefined ? breaker.notPermittedCalls : '-'] });
      }
    }
    table(document.getElementById('breakers'), ['breaker', 'state', 'failure rate', 'calls in window', 'refused'], breakers);
    const budgets = [];
    for (const [service, budget] of Object.entries(state.retryBudgets || {})) {
      const bulkhead = (state.bulkheads || {})[service];
      budgets.push({ attributes: { 'class': 'budget', 'data-service': service }, cells: [service,
        budget.tokens.toFixed(1) + ' of ' + budget.maxTokens,
        bulkhead ? bulkhead.availableConcurrentCalls + ' of ' + bulkhead.maxAllowedConcurrentCalls : '-'] });
    }
    table(document.getElementById('budgets'), ['service', 'retry tokens', 'bulkhead free'], budgets);
    const checkpoints = Object.values(state.checkpoints || {}).map((status) => ({
      attributes: { 'class': 'checkpoint', 'data-name': status.name },
      cells: [status.name, status.epoch, status.checkpoints, status.lastCheckpointSize + ' B', status.logLength,
        status.fenced ? { text: 'fenced', state: 'OPEN' } : { text: status.consecutiveFailures + ' failing', state: status.consecutiveFailures ? 'OPEN' : 'CLOSED' }]
    }));
    table(document.getElementById('checkpoints'), ['checkpoint', 'epoch', 'taken', 'size', 'log', 'health'], checkpoints);
    previous = { counters: state.counters || {}, at: now };
  }

  function status(text, kind) {
    const line = document.getElementById('status');
    line.textContent = text;
    line.className = kind;
  }

  async function update() {
    try {
      const response = await fetch('state', { cache: 'no-store', headers: { Accept: 'application/json' } });
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      const state = await response.json();
      const now = Date.now();
      draw(state, now);
      updates++;
      body.dataset.updates = String(updates);
      status('live, updated ' + new Date(now).toLocaleTimeString(), 'live');
    }
    catch (error) {
      status('cannot read the node: ' + error.message + ' (showing the last state)', 'stale');
    }
    finally {
      setTimeout(update, refresh);
    }
  }

  document.getElementById('refresh').textContent = String(refresh);
  update();
}());
