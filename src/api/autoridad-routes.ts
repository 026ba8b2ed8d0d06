import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';

/**
 * Public download of this service's authority certificate: the one whose número is
 * noCertificadoAutoridad in the títulos it authenticates (and noCertificadoDreoe/SepIpes in the
 * certificados), so anyone can check selloAutenticacion over the cadena of met-titulos.md §3.7.
 */
export const autoridadRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { certificate, numeroCertificado } = app.services.authority;

  app.get(
    '/certificado.:formato',
    {
      schema: {
        summary: "The authority's certificate: .cer (DER, application/pkix-cert) or .pem",
        tags: ['autoridad'],
        params: Type.Object({ formato: Type.Union([Type.Literal('cer'), Type.Literal('pem')]) }),
      },
    },
    async (request, reply) => {
      const { formato } = request.params;
      reply.header('content-disposition', `attachment; filename="${numeroCertificado}.${formato}"`);
      return formato === 'cer'
        ? reply.type('application/pkix-cert').send(certificate.der)
        : reply.type('application/x-pem-file').send(certificate.x509.toString());
    },
  );
};
