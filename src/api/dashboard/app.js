// The dashboard's script: plain browser JavaScript, no build step. Every REFRESH_MS it reads the scalers,
// the selected scaler's time series and its recent decisions and actions from the daemon's JSON API, and
// redraws. uPlot is the global from /dashboard/vendor/uPlot.min.js. Each chart's figure carries the number
// of points it shows in data-points (read by the browser test).
/* global uPlot */

const REFRESH_MS = 2000
const DECISIONS_READ = 300
const ROWS = 25

const CHARTS = [
  {
    id: 'chart-rates',
    series: [
      { key: 'productionRate', label: 'produced/s', stroke: '#0b57d0' },
      { key: 'consumptionRate', label: 'consumed/s', stroke: '#1e7b34', dash: [8, 4] },
    ],
  },
  {
    id: 'chart-lag',
    series: [{ key: 'lag', label: 'records behind', stroke: '#b3261e', fill: 'rgba(179, 38, 30, 0.1)' }],
  },
  {
    id: 'chart-lag-seconds',
    series: [
      { key: 'lagSeconds', label: 'seconds behind', stroke: '#a04a00', fill: 'rgba(160, 74, 0, 0.1)' },
    ],
  },
  {
    id: 'chart-replicas',
    series: [
      { key: 'current', label: 'running', stroke: '#5b2a86', stepped: true },
      { key: 'desired', label: 'desired', stroke: '#00796b', dash: [8, 4], stepped: true },
    ],
  },
]

const state = { scaler: null, charts: new Map(), names: '' }

const $ = (id) => document.getElementById(id)

function formatNumber(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–'
  return v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 })
}

function shortNumber(v) {
  if (v === null || v === undefined) return ''
  const a = Math.abs(v)
  if (a >= 1e6) return `${formatNumber(v / 1e6, 1)}M`
  if (a >= 1e4) return `${formatNumber(v / 1e3, 0)}k`
  if (a >= 1e3) return `${formatNumber(v / 1e3, 1)}k`
  return formatNumber(v, a < 10 ? 1 : 0)
}

function time(ms) {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false })
}

async function getJSON(url) {
  const response = await fetch(url, { cache: 'no-store' })
  const body = await response.json().catch(() => null)
  if (!response.ok) throw new Error(body?.error?.message ?? `${url}: HTTP ${response.status}`)
  return body
}

function plotWidth(el) {
  return Math.max(280, Math.floor(el.clientWidth || el.parentElement.clientWidth || 600) - 4)
}

function createChart(def) {
  const figure = $(def.id)
  const el = figure.querySelector('.plot')
  const series = [
    { label: 'time', value: (_u, v) => (v === null || v === undefined ? '–' : time(v * 1000)) },
    ...def.series.map((s) => {
      const opts = {
        label: s.label,
        stroke: s.stroke,
        width: 2,
        value: (_u, v) => formatNumber(v, 1),
      }
      if (s.dash) opts.dash = s.dash
      if (s.fill) opts.fill = s.fill
      if (s.stepped) opts.paths = uPlot.paths.stepped({ align: 1 })
      return opts
    }),
  ]
  const chart = new uPlot(
    {
      width: plotWidth(el),
      height: 200,
      series,
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, (max ?? 0) * 1.1)] } },
      axes: [{}, { size: 56, values: (_u, values) => values.map(shortNumber) }],
      cursor: { drag: { x: false, y: false } },
    },
    [[], ...def.series.map(() => [])],
    el,
  )
  return { def, figure, el, chart }
}

function updateCharts(columns) {
  const xs = columns.at.map((ms) => ms / 1000)
  for (const c of state.charts.values()) {
    c.chart.setData([xs, ...c.def.series.map((s) => columns[s.key])])
    c.figure.dataset.points = String(xs.length)
  }
}

function updateStats(status, columns) {
  const last = (key) => {
    const values = columns[key]
    for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]
    return null
  }
  const replicas = status.replicas
  $('stat-replicas').textContent = replicas
    ? `${replicas.desired} / ${replicas.current} / ${replicas.ready}`
    : '–'
  $('stat-lag').textContent = `${formatNumber(last('lag'))} records`
  $('stat-lag-seconds').textContent = `${formatNumber(last('lagSeconds'), 1)} s`
  $('stat-production').textContent = `${formatNumber(last('productionRate'))} /s`
  $('stat-consumption').textContent = `${formatNumber(last('consumptionRate'))} /s`
  const d = status.lastDecision
  $('stat-decision').textContent = d ? `${d.current} → ${d.desired} ${d.reason} (${d.outcome})` : '–'
  $('stat-decision').title = d ? d.message : ''
  const inFlight = status.actionInFlight ? ` · scaling to ${status.actionInFlight.to}` : ''
  $('scaler-info').textContent =
    `${status.target} · group ${status.group} on ${status.topics.join(', ')} · ` +
    `${status.minReplicaCount}–${status.maxReplicaCount} replicas · polling every ${status.pollingIntervalSeconds} s` +
    (status.error ? ` · target error: ${status.error}` : '') +
    inFlight
}

/** Merges decisions and actions newest first, folding runs of holds with the same reason into one row. */
function rows(decisions, actions) {
  const all = [...decisions, ...actions].sort((a, b) => b.id - a.id)
  const out = []
  for (const e of all) {
    const prev = out.at(-1)
    const change =
      e.kind === 'action' ? [e.inputs?.from, e.inputs?.to] : [e.inputs?.current, e.inputs?.desired]
    const hold = e.kind === 'decision' && e.outcome === 'hold'
    if (
      hold &&
      prev?.hold &&
      prev.entry.reason === e.reason &&
      prev.change[0] === change[0] &&
      prev.change[1] === change[1]
    ) {
      prev.count++
      prev.first = e.at
      continue
    }
    if (out.length >= ROWS) break
    out.push({ entry: e, change, hold, count: 1, first: e.at })
  }
  return out
}

function cell(tr, text, className) {
  const td = document.createElement('td')
  if (className) td.className = className
  td.textContent = text
  tr.appendChild(td)
  return td
}

function updateTable(list) {
  const tbody = $('decisions').querySelector('tbody')
  const fragment = document.createDocumentFragment()
  for (const r of list) {
    const e = r.entry
    const tr = document.createElement('tr')
    if (e.outcome === 'failed' || e.outcome === 'aborted') tr.className = 'failed'
    else if (!r.hold) tr.className = 'scale'
    const when = r.count > 1 ? `${time(r.first)}–${time(e.at)}` : time(e.at)
    cell(tr, when, 'num').title = new Date(e.at).toISOString()
    cell(tr, e.kind)
    const [from, to] = r.change
    cell(tr, from === undefined || from === null ? '–' : `${from} → ${to}`, 'num')
    const reason = cell(tr, '', 'reason')
    const code = document.createElement('code')
    code.textContent = e.reason
    reason.appendChild(code)
    cell(tr, r.count > 1 ? `${e.outcome ?? ''} ×${r.count}` : (e.outcome ?? ''))
    cell(tr, e.message)
    fragment.appendChild(tr)
  }
  if (list.length === 0) {
    const tr = document.createElement('tr')
    cell(tr, 'no decision yet').colSpan = 6
    fragment.appendChild(tr)
  }
  tbody.replaceChildren(fragment)
}

function updateSelect(scalers) {
  const names = scalers.map((s) => s.name)
  if (names.join('\n') === state.names) return
  state.names = names.join('\n')
  const select = $('scaler')
  select.replaceChildren(
    ...names.map((n) => {
      const o = document.createElement('option')
      o.value = n
      o.textContent = n
      return o
    }),
  )
  if (!names.includes(state.scaler)) state.scaler = names[0] ?? null
  select.value = state.scaler ?? ''
}

async function refresh() {
  const status = $('connection')
  try {
    const { scalers, role } = await getJSON('/api/v1/scalers')
    updateSelect(scalers)
    const scaler = scalers.find((s) => s.name === state.scaler)
    if (!scaler) throw new Error('no scaler is configured')
    const q = encodeURIComponent(scaler.name)
    const [series, decisions, actions] = await Promise.all([
      getJSON(`/api/v1/timeseries?scaler=${q}`),
      getJSON(`/api/v1/decisions?scaler=${q}&kind=decision&limit=${DECISIONS_READ}`),
      getJSON(`/api/v1/decisions?scaler=${q}&kind=action&limit=${ROWS}`),
    ])
    updateCharts(series.series)
    updateStats(scaler, series.series)
    updateTable(rows(decisions.entries, actions.entries))
    status.className = ''
    status.textContent = `${role} · updated ${time(Date.now())}`
  } catch (err) {
    status.className = 'error'
    status.textContent = `cannot read the daemon: ${err.message}; retrying`
  } finally {
    setTimeout(refresh, REFRESH_MS)
  }
}

function start() {
  for (const def of CHARTS) state.charts.set(def.id, createChart(def))
  $('scaler').addEventListener('change', (event) => {
    state.scaler = event.target.value
  })
  let resizing = 0
  window.addEventListener('resize', () => {
    clearTimeout(resizing)
    resizing = setTimeout(() => {
      for (const c of state.charts.values()) c.chart.setSize({ width: plotWidth(c.el), height: 200 })
    }, 150)
  })
  refresh()
}

start()
